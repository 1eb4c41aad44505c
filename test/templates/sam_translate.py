"""
Runs the real SAM transform (aws-sam-translator) offline on one template and prints the generated
CloudFormation as JSON.

stdin: {"template": "<path>", "parameters": {"Name": "value", ...}, "region": "us-east-1"}

What CloudFormation and `sam package` do before the transform runs, this script does too:
  * No other transform runs first: a template listing AWS::LanguageExtensions (or any transform besides
    AWS::Serverless-2016-10-31) stops the script with exit 3 rather than being passed through half-processed.
    CloudFormation itself resolves Ref / Fn::If in DeletionPolicy and UpdateReplacePolicy; the output keeps them.
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

SERVERLESS = "AWS::Serverless-2016-10-31"


class Unsupported(Exception):
    pass


class EmptyManagedPolicyLoader:
    def load(self):
        return {}


def check_transforms(template):
    transforms = template.get("Transform")
    listed = transforms if isinstance(transforms, list) else [transforms] if transforms else []
    others = [t for t in listed if t != SERVERLESS]
    if others:
        raise Unsupported(f"transforms {others} are not emulated here (only {SERVERLESS})")


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
        check_transforms(template)
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
