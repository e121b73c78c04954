"""``@timer("SETTING")``: nameko's timer with its interval read from a setting.

nameko's own ``@timer(interval=…)`` fixes the interval when the module is imported;
this one reads it when the container starts, so deployments and tests can set it.
"""

from nameko.timer import Timer

from .config import setting


class ConfiguredTimer(Timer):
    def __init__(self, setting_name, eager=False, **kwargs):
        super().__init__(interval=None, eager=eager, **kwargs)
        self.setting_name = setting_name

    def setup(self):
        self.interval = float(setting(self.setting_name))
        super().setup()


timer = ConfiguredTimer.decorator
