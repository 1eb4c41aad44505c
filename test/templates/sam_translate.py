"""
Runs the real SAM transform (aws-sam-translator) offline on one template and prints the generated
CloudFormation as JSON.

stdin: {"template": "<path>", "parameters": {"Name": "value", ...}, "region": "us-east-1"}

What CloudFormation and `sam package` do before the transform runs, this script does too:
  * AWS::LanguageExtensions (when listed before AWS::Serverless-2016-10-31) is applied first. Only the part of it
    these templates use is emulated: a Ref to a parameter, or Fn::If on a condition over parameters, as
    DeletionPolicy / UpdateReplacePolicy. Any other
    language-extension construct (Fn::ForEach, Fn::Length, Fn::ToJsonString, Fn::FindInMap with DefaultValue, other
    intrinsics in policies) stops the script with exit 3 rather than being passed through half-processed.
  * `sam package` uploads local CodeUri / ContentUri and rewrites them to s3:// URIs: they become placeholders.
  * Parameter values are what CloudFormation hands the transform: defaults merged with overrides, and SSM-typed
    parameters already resolved to the parameter's value (the caller resolves them through the auth stack).
  * The managed-policy map (normally listed from IAM) is an empty stub: these templates name no managed policies.

Exit codes: 0 ok, 2 the transform rejected the template, 3 a construct this emulation does not support.
"""

import json
import logging
import os
import sys

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SERVERLESS = "AWS::Serverless-2016-10-31"
POLICY_VALUES = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"}


class Unsupported(Exception):
    pass


class EmptyManagedPolicyLoader:
    def load(self):
        return {}


def find_language_extension_functions(node, where="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("Fn::ForEach") or key in ("Fn::Length", "Fn::ToJsonString"):
                raise Unsupported(f"{where}: {key} needs the full AWS::LanguageExtensions transform")
            if key == "Fn::FindInMap" and isinstance(value, list) and len(value) > 3:
                raise Unsupported(f"{where}: Fn::FindInMap with DefaultValue needs the full AWS::LanguageExtensions transform")
            find_language_extension_functions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            find_language_extension_functions(item, f"{where}[{i}]")


def policy_value(node, conditions, parameters, where):
    """A DeletionPolicy / UpdateReplacePolicy value: a string, a Ref to a parameter, or Fn::If on a condition."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in parameters:
        return parameters[node["Ref"]]
    if isinstance(node, dict) and list(node) == ["Fn::If"]:
        name, when_true, when_false = node["Fn::If"]
        chosen = when_true if condition(name, conditions, parameters, where) else when_false
        return policy_value(chosen, conditions, parameters, where)
    raise Unsupported(f"{where}: {json.dumps(node)} is not emulated here")


def condition(name, conditions, parameters, where):
    """Evaluates a condition made of Fn::Equals / Fn::Not / Fn::And / Fn::Or over parameter Refs and literals."""
    def value(node):
        if isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in parameters:
            return parameters[node["Ref"]]
        if isinstance(node, (str, int, float, bool)):
            return str(node)
        raise Unsupported(f"{where}: condition {name}: {json.dumps(node)} is not emulated here")

    def truth(node):
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            if key == "Fn::Equals":
                return value(arg[0]) == value(arg[1])
            if key == "Fn::Not":
                return not truth(arg[0])
            if key == "Fn::And":
                return all(truth(item) for item in arg)
            if key == "Fn::Or":
                return any(truth(item) for item in arg)
            if key == "Condition":
                return condition(arg, conditions, parameters, where)
        raise Unsupported(f"{where}: condition {name}: {json.dumps(node)} is not emulated here")

    if name not in conditions:
        raise Unsupported(f"{where}: unknown condition {name}")
    return truth(conditions[name])


def apply_language_extensions(template, parameters):
    transforms = template.get("Transform")
    listed = transforms if isinstance(transforms, list) else [transforms] if transforms else []
    if LANGUAGE_EXTENSIONS not in listed:
        return
    if SERVERLESS in listed and listed.index(LANGUAGE_EXTENSIONS) > listed.index(SERVERLESS):
        raise Unsupported(f"{LANGUAGE_EXTENSIONS} must be listed before {SERVERLESS} (transforms run in order)")
    find_language_extension_functions(template.get("Resources", {}), "Resources")
    for logical_id, resource in template.get("Resources", {}).items():
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            value = resource.get(attribute)
            if value is None or isinstance(value, str):
                continue
            resolved = policy_value(value, template.get("Conditions", {}), parameters, f"{logical_id}.{attribute}")
            if resolved not in POLICY_VALUES:
                raise Unsupported(f"{logical_id}.{attribute}: {json.dumps(value)} = {resolved!r} is not a policy")
            resource[attribute] = resolved
    remaining = [t for t in listed if t != LANGUAGE_EXTENSIONS]
    template["Transform"] = remaining[0] if len(remaining) == 1 else remaining


def package_local_artifacts(template):
    """What `sam package` does to local code paths: upload them, point at S3."""
    def placeholder(logical_id, value):
        if isinstance(value, str) and not value.startswith("s3://"):
            return f"s3://sam-package-placeholder/{logical_id}.zip"
        return value

    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = placeholder("Globals", globals_function["CodeUri"])
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "InlineCode" not in props:
            props["CodeUri"] = placeholder(logical_id, props.get("CodeUri", globals_function.get("CodeUri")))
        elif resource.get("Type") == "AWS::Serverless::LayerVersion":
            props["ContentUri"] = placeholder(logical_id, props.get("ContentUri"))


def main():
    request = json.load(sys.stdin)
    os.environ["AWS_DEFAULT_REGION"] = request.get("region") or "us-east-1"
    logging.disable(logging.WARNING)  # feature-toggle chatter

    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    with open(request["template"], encoding="utf-8") as handle:
        template = yaml_parse(handle.read())
    declared = template.get("Parameters", {})
    parameters = {name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
    parameters.update({k: v for k, v in (request.get("parameters") or {}).items()})

    try:
        apply_language_extensions(template, parameters)
        package_local_artifacts(template)
    except Unsupported as error:
        print(f"unsupported: {error}", file=sys.stderr)
        return 3
    try:
        output = transform(template, parameters, EmptyManagedPolicyLoader())
    except InvalidDocumentException as error:
        for cause in error.causes:
            print(f"transform error: {cause.message}", file=sys.stderr)
        return 2
    json.dump(output, sys.stdout, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
