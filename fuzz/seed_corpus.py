#!/usr/bin/env python3
"""Seeds the fuzz corpora from the AWS recordings and examples/ (the corpus is not committed).

    python3 fuzz/seed_corpus.py [CASES_DIR]

CASES_DIR defaults to $STEPWISE_CONFORMANCE_DIR, else ../shared/conformance/cases or
../../shared/conformance/cases relative to the repository root. Writes fuzz/corpus/parse_validate/ (definition text) and fuzz/corpus/run/
(definition, a NUL byte, then the recorded input).

Also seeds extreme numbers (i64::MAX, u64::MAX, 1e308, -1, 0, 9e15 …) in every field where a
user's number feeds the engine's arithmetic: timeouts, retriers, waits, Map counts, intrinsics
(see `extreme_number_seeds`).
"""
import hashlib
import json
import os
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent


def write(directory: Path, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


# Numbers as JSON text: i64::MAX, u64::MAX, past u64, i64::MIN, floats, 0, -1, and AWS's limits.
EXTREME_NUMBERS = [
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1e308",
    "-1e308",
    "9e15",
    "9000000000000000",
    "-1",
    "0",
    "1.5",
    "99999999",
    "100000000",
    "31622400",
    "31622401",
]
# Timestamps at and past the ends of what RFC 3339 can write.
EXTREME_TIMESTAMPS = [
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59.999-23:59",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+23:59",
    "+10000-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
]


def extreme_number_seeds():
    """(definition text, input text) pairs with extreme numbers in definitions and inputs."""
    seeds = []
    task = (
        '{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", '
        '"Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, %s "End": true}'
    )
    failing = (
        '{"Type": "Parallel", "End": true, "Retry": [{"ErrorEquals": ["States.ALL"], %s}], '
        '"Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}]}'
    )
    mapped = (
        '{"Type": "Map", "End": true, "ItemsPath": "$.xs", %s "ItemProcessor": '
        '{"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}'
    )

    def machine(state, top="", lang=""):
        return '{%s%s"StartAt": "S", "States": {"S": %s}}' % (top, lang, state)

    jsonata = '"QueryLanguage": "JSONata", '
    for n in EXTREME_NUMBERS:
        given = '{"n": %s, "xs": [1, 2, 3]}' % n
        definitions = [
            machine('{"Type": "Pass", "End": true}', top='"TimeoutSeconds": %s, ' % n),
            machine(task % ('"TimeoutSeconds": %s,' % n)),
            machine(task % ('"HeartbeatSeconds": %s, "TimeoutSeconds": 99999999,' % n)),
            machine(task % '"TimeoutSecondsPath": "$.n",'),
            machine(task % '"HeartbeatSecondsPath": "$.n",'),
            machine(task % ('"TimeoutSeconds": "{%% %s %%}",' % n), lang=jsonata).replace(
                '"Parameters"', '"Arguments"').replace('"t.$": "$$.Task.Token"', '"t": 1'),
            machine(failing % ('"IntervalSeconds": %s' % n)),
            machine(failing % ('"BackoffRate": %s, "MaxAttempts": 5' % n)),
            machine(failing % ('"BackoffRate": %s, "MaxAttempts": 5, "JitterStrategy": "FULL"' % n)),
            machine(failing % ('"MaxAttempts": %s, "IntervalSeconds": 99999999' % n)),
            machine(failing % ('"MaxDelaySeconds": %s, "BackoffRate": 1e308' % n)),
            machine('{"Type": "Wait", "Seconds": %s, "End": true}' % n),
            machine('{"Type": "Wait", "SecondsPath": "$.n", "End": true}'),
            machine('{"Type": "Wait", "Seconds": "{%% %s %%}", "End": true}' % n, lang=jsonata),
            machine(mapped % ('"MaxConcurrency": %s,' % n)),
            machine(mapped % '"MaxConcurrencyPath": "$.n",'),
            machine(mapped % ('"ToleratedFailureCount": %s,' % n)),
            machine(mapped % '"ToleratedFailureCountPath": "$.n",'),
            machine(mapped % ('"ToleratedFailurePercentage": %s,' % n)),
            machine(mapped % '"ToleratedFailurePercentagePath": "$.n",'),
            machine(mapped % ('"ItemBatcher": {"MaxItemsPerBatch": %s},' % n)),
            machine(
                '{"Type": "Pass", "End": true, "Parameters": {'
                '"a.$": "States.MathAdd(%s, 1)", "r.$": "States.ArrayRange(%s, 9223372036854775807, 1)", '
                '"p.$": "States.ArrayPartition($.xs, %s)", "g.$": "States.ArrayGetItem($.xs, %s)", '
                '"m.$": "States.MathRandom(%s, 9223372036854775807)"}}' % ((n,) * 5)
            ),
            machine(
                '{"Type": "Pass", "End": true, "Output": {"r": "{%% $range(0, %s, 1) %%}", '
                '"p": "{%% $partition($states.input.xs, %s) %%}"}}' % (n, n),
                lang=jsonata,
            ),
        ]
        seeds.extend((d, given) for d in definitions)
    for t in EXTREME_TIMESTAMPS:
        seeds.append((machine('{"Type": "Wait", "Timestamp": "%s", "End": true}' % t), "{}"))
        seeds.append(
            (machine('{"Type": "Wait", "TimestampPath": "$.t", "End": true}'), '{"t": "%s"}' % t)
        )
        seeds.append(
            (machine("{\"Type\": \"Wait\", \"Timestamp\": \"{%% '%s' %%}\", \"End\": true}" % t,
                     lang=jsonata), "{}")
        )
    return seeds


def main() -> int:
    # A worktree under /work/wt/<name> or the main checkout /work/main: try both layouts.
    candidates = [ROOT / "../shared/conformance/cases", ROOT / "../../shared/conformance/cases"]
    if os.environ.get("STEPWISE_CONFORMANCE_DIR"):
        candidates.insert(0, Path(os.environ["STEPWISE_CONFORMANCE_DIR"]))
    if len(sys.argv) > 1:
        candidates.insert(0, Path(sys.argv[1]))
    cases = next((c for c in candidates if c.is_dir()), candidates[0])
    seeds = []  # (definition text, input text)
    if cases.is_dir():
        for path in sorted(cases.glob("*/*.json")):
            try:
                case = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            definition = case.get("definition")
            if definition is None:
                continue
            if not isinstance(definition, str):
                definition = json.dumps(definition, indent=2)
            given = case.get("input", {})
            given = given if isinstance(given, str) else json.dumps(given)
            seeds.append((definition, given))
    else:
        print(f"no conformance cases at {cases}; seeding from examples/ only", file=sys.stderr)
    for path in sorted((ROOT / "examples").glob("*.json")):
        text = path.read_text()
        for given in ('{"statuscode": "429"}', '{"statuscode": "200"}', '{"statuscode": "503"}', "{}"):
            seeds.append((text, given))
    seeds.extend(extreme_number_seeds())
    for definition, given in seeds:
        write(FUZZ / "corpus" / "parse_validate", definition.encode())
        write(FUZZ / "corpus" / "run", definition.encode() + b"\0" + given.encode())
    print(f"{len(seeds)} seeds written under {FUZZ / 'corpus'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
