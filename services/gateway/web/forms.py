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
        "contact": _strings(tree.get("contact", {}), ("name", "phone")),
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
