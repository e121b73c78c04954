"""The HTML form and the JSON body, translated both ways.

The page's inputs are named by their path in the JSON body, with the item code in
``details`` always present (``details.JL02.instruments.0.name``), so one form serves
one item or several. :func:`submission_body` builds the API body from the posted
fields; :func:`error_fields` turns the API's nested errors back into input names, so
the page shows exactly the server's messages next to each input.
"""


def unflatten(pairs):
    """``[("a.b.0.c", "x")]`` → ``{"a": {"b": {"0": {"c": "x"}}}}`` (keys stay strings)."""
    tree = {}
    for name, value in pairs:
        node = tree
        *parents, leaf = name.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # "a" and "a.b" both posted: keep the deeper one
                child = node[part] = {}
            node = child
        node[leaf] = value
    return tree


def clean_details(values, specs):
    """The details of one item as the API wants them: groups become lists of the rows
    that have anything in them; blank inputs are left out (they mean "not given")."""
    cleaned = {}
    for spec in specs:
        raw = values.get(spec["name"]) if isinstance(values, dict) else None
        if spec["type"] == "group":
            rows = [raw[key] for key in sorted(raw, key=_row_order)] if isinstance(raw, dict) else []
            kept = [clean_details(row, spec["fields"]) for row in rows]
            cleaned[spec["name"]] = [row for row in kept if row]
        elif spec["type"] == "boolean":
            if raw is not None:
                cleaned[spec["name"]] = raw in ("on", "true", "1", "yes")
        elif isinstance(raw, str) and raw.strip():
            cleaned[spec["name"]] = raw.strip()
    return cleaned


def _row_order(key):
    return int(key) if key.isdigit() else 10**9


def submission_body(tree, items):
    """The JSON body for the items chosen on the page."""
    details = tree.get("details", {})
    by_item = {item.code: clean_details(details.get(item.code, {}), item.fields) for item in items}
    body = {
        "enterprise": _strings(tree.get("enterprise", {}), ("name", "uscc", "station")),
        "contact": _strings(tree.get("contact", {}), ("name", "phone", "email")),
    }
    if len(items) == 1:
        body["item"] = items[0].code
        body["details"] = by_item[items[0].code]
    else:
        body["items"] = [item.code for item in items]
        body["details"] = by_item
    return body


def _strings(values, names):
    if not isinstance(values, dict):
        return {}
    return {name: values[name].strip() for name in names if isinstance(values.get(name), str) and values[name].strip()}


def error_fields(errors, items):
    """Nested API errors → {input name: [messages]} (single-item bodies get their code)."""
    flat = {}
    _flatten(errors, "", flat)
    if len(items) == 1:
        prefix = f"details.{items[0].code}"
        flat = {(prefix + name[len("details"):] if name.startswith("details") else name): messages
                for name, messages in flat.items()}
    return flat


def _flatten(errors, path, flat):
    if isinstance(errors, dict):
        for key, value in errors.items():
            _flatten(value, f"{path}.{key}" if path else str(key), flat)
    else:
        flat[path] = errors if isinstance(errors, list) else [errors]


# -- the console's step forms ------------------------------------------------------------------
# A step of an operator's work is posted as a form whose inputs are named by their path
# in the command the domain service takes (``instruments.0.points.2.nominal``), so the
# service's own field errors come back under the names of the inputs they are about.
LIST_FIELDS = frozenset({"reference_standards", "sites", "assessors"})  # checkboxes or multi-selects
INTEGER_FIELDS = frozenset({"period_months", "size", "major_nonconformities", "minor_nonconformities"})
NOT_PART_OF_THE_COMMAND = frozenset({"csrf", "lang", "action", "form_token"})


def posted_command(form):
    """The command a console form posts (a werkzeug MultiDict): rows become lists of the
    rows that have anything in them, blank inputs are left out (they mean "not given"),
    empty groups with them, and whole numbers are numbers."""
    grouped = {}
    for name, value in form.items(multi=True):
        if name not in NOT_PART_OF_THE_COMMAND:
            grouped.setdefault(name, []).append(value)
    pairs = [(name, values if name.rpartition(".")[2] in LIST_FIELDS else values[0])
             for name, values in grouped.items()]
    return _compact(unflatten(pairs), "") or {}


def _compact(node, name):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            rows = [_compact(node[key], "") for key in sorted(node, key=int)]
            return [row for row in rows if row is not None] or None
        kept = {key: _compact(value, key) for key, value in node.items()}
        return {key: value for key, value in kept.items() if value is not None} or None
    if isinstance(node, list):
        return [value.strip() for value in node if isinstance(value, str) and value.strip()] or None
    text = node.strip() if isinstance(node, str) else node
    if text in ("", None):
        return None
    return int(text) if name in INTEGER_FIELDS and isinstance(text, str) and text.isdigit() else text


def flat_values(command, path="", flat=None):
    """A command back as the inputs it was posted from: {input name: value}."""
    flat = {} if flat is None else flat
    if isinstance(command, dict):
        for key, value in command.items():
            flat_values(value, f"{path}.{key}" if path else str(key), flat)
    elif isinstance(command, list) and path.rpartition(".")[2] not in LIST_FIELDS:
        for index, value in enumerate(command):
            flat_values(value, f"{path}.{index}", flat)
    else:
        flat[path] = command
    return flat


def flat_errors(errors):
    """Nested field errors (already in words) → {input name: [messages]}."""
    flat = {}
    _flatten(errors, "", flat)
    return flat


class FormState:
    """What a step's form shows: the values it was posted with (or starts with) and the
    messages for its inputs. Each input asks for its own messages (``error``); whatever
    no input asked for (a rule about the whole form) is shown by the form at its end
    (``unshown``)."""

    def __init__(self, values=None, errors=None, extra_rows=None):
        self.values = values or {}
        self.errors = errors or {}
        self.extra_rows = extra_rows or {}
        self._shown = set()

    @classmethod
    def of(cls, command, errors=None, extra_rows=None):
        return cls(flat_values(command or {}), flat_errors(errors or {}), extra_rows)

    def value(self, name, default=""):
        found = self.values.get(name)
        return default if found is None else found

    def chosen(self, name):
        found = self.values.get(name)
        return [str(each) for each in found] if isinstance(found, list) else ([str(found)] if found else [])

    def rows(self, prefix, minimum=1):
        """How many rows a group shows: those posted, more when asked, at least ``minimum``."""
        start = f"{prefix}."
        indexes = [int(name[len(start):].split(".")[0]) for name in [*self.values, *self.errors]
                   if name.startswith(start) and name[len(start):].split(".")[0].isdigit()]
        return max(minimum, (max(indexes) + 1 if indexes else 0) + self.extra_rows.get(prefix, 0))

    def error(self, name):
        self._shown.add(name)
        return self.errors.get(name, [])

    def invalid(self, name):
        return name in self.errors

    def unshown(self):
        return [message for name, messages in self.errors.items() if name not in self._shown for message in messages]

    @property
    def has_errors(self):
        return bool(self.errors)
