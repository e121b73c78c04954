"""The units a calibration result may be given in, and each one in D-SI notation.

D-SI 2.1.0 (PTB's digital SI) writes a unit as prefixes and units with backslashes,
``\\mega\\pascal``, ``\\metre\\second\\tothe{-1}``; its schema takes any string there, so
this table is the check: metrology accepts a result only in a unit listed here
(``services/metrology/schemas.py``), and every unit listed has its D-SI form
(``tests/unit/test_documents_dcc.py`` checks each against the D-SI grammar).
"""

# As typed on a calibration result → D-SI 2.1.0. Aliases (℃ and °C, µ and μ) map alike.
D_SI: dict[str, str] = {
    # pressure
    "Pa": r"\pascal", "hPa": r"\hecto\pascal", "kPa": r"\kilo\pascal", "MPa": r"\mega\pascal",
    "mbar": r"\milli\bar", "bar": r"\bar", "mmHg": r"\mmHg",
    # length
    "nm": r"\nano\metre", "µm": r"\micro\metre", "μm": r"\micro\metre", "um": r"\micro\metre",
    "mm": r"\milli\metre", "cm": r"\centi\metre", "m": r"\metre", "km": r"\kilo\metre",
    # mass
    "mg": r"\milli\gram", "g": r"\gram", "kg": r"\kilogram", "t": r"\tonne",
    # force and torque
    "N": r"\newton", "kN": r"\kilo\newton", "MN": r"\mega\newton", "N·m": r"\newton\metre", "N m": r"\newton\metre",
    # temperature
    "℃": r"\degreecelsius", "°C": r"\degreecelsius", "K": r"\kelvin",
    # electricity
    "µV": r"\micro\volt", "μV": r"\micro\volt", "mV": r"\milli\volt", "V": r"\volt", "kV": r"\kilo\volt",
    "µA": r"\micro\ampere", "μA": r"\micro\ampere", "mA": r"\milli\ampere", "A": r"\ampere",
    "mΩ": r"\milli\ohm", "Ω": r"\ohm", "kΩ": r"\kilo\ohm", "MΩ": r"\mega\ohm",
    "W": r"\watt", "kW": r"\kilo\watt", "kW·h": r"\kilo\watt\hour", "kWh": r"\kilo\watt\hour",
    # time and frequency
    "ms": r"\milli\second", "s": r"\second", "min": r"\minute", "h": r"\hour",
    "Hz": r"\hertz", "kHz": r"\kilo\hertz", "MHz": r"\mega\hertz",
    # volume and flow
    "mL": r"\milli\litre", "L": r"\litre", "m³": r"\metre\tothe{3}",
    "L/min": r"\litre\minute\tothe{-1}", "L/h": r"\litre\hour\tothe{-1}", "m³/h": r"\metre\tothe{3}\hour\tothe{-1}",
    # others
    "kg/m³": r"\kilogram\metre\tothe{-3}", "g/cm³": r"\gram\centi\metre\tothe{-3}",
    "m/s": r"\metre\second\tothe{-1}", "r/min": r"\one\minute\tothe{-1}",
    "lx": r"\lux", "dB": r"\decibel", "°": r"\degree", "%": r"\percent", "%RH": r"\percent", "pH": r"\one",
}

ACCEPTED_UNITS: tuple[str, ...] = tuple(D_SI)


def d_si(unit: str) -> str:
    """The D-SI form of a unit metrology accepted (KeyError for any other)."""
    return D_SI[unit]
