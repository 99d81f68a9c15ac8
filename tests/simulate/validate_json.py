"""tests/simulate/validate_json.py SCHEMA FILE: validates a simulate --format json report."""
import json
import sys

import jsonschema

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    report = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
for e in errors:
    print(f"{'/'.join(str(p) for p in e.path)}: {e.message}")
sys.exit(1 if errors else 0)
