"""What a service module's entrypoints call, read from its source (the shape tests of
issue 25): an entrypoint is a decorated method of the service class, or a class attribute
made by a factory (``suspend = certification_step(handlers.suspend, "suspend")``)."""

import ast


def handlers_calls(node):
    """The use cases ``node`` calls as ``handlers.<name>(…)``."""
    return [call.func.attr for call in ast.walk(node) if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "handlers"]


def handlers_named(node):
    """The use cases ``node`` names as ``handlers.<name>``, called or handed on."""
    return [each.attr for each in ast.walk(node) if isinstance(each, ast.Attribute)
            and isinstance(each.value, ast.Name) and each.value.id == "handlers"]


def entrypoint_names(service_class):
    """The entrypoints the class itself declares (not those of its bases)."""
    return {name for name, member in vars(service_class).items() if getattr(member, "nameko_entrypoints", None)}


def use_cases_of_entrypoints(tree, class_node, names):
    """Each entrypoint's name (of ``names``, the class's) and the use cases it calls: a
    method's own calls; a made entrypoint's, those its factory call names, or else those
    the factory (a function of the same module) calls."""
    factories = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    found = {}
    for node in class_node.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            found[node.name] = handlers_calls(node)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            named = handlers_named(node.value)
            factory = factories.get(getattr(node.value.func, "id", None))
            for target in node.targets:
                if target.id in names:  # not a dependency (db = MongoDatabase(…))
                    found[target.id] = named or (handlers_calls(factory) if factory else [])
    return found
