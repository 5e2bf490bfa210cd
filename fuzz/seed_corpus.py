#!/usr/bin/env python3
"""Seeds the fuzz corpora from the AWS recordings and examples/ (the corpus is not committed).

    python3 fuzz/seed_corpus.py [CASES_DIR] [--known-slow]

CASES_DIR defaults to $STEPWISE_CONFORMANCE_DIR, else ../shared/conformance/cases or
../../shared/conformance/cases relative to the repository root. Writes fuzz/corpus/parse_validate/
(definition text), fuzz/corpus/run/ (definition, a NUL byte, then the recorded input) and
fuzz/corpus/jsonata_intrinsics/ (a selector byte, an expression, optionally NUL and an input).

Deep nesting (Parallel and Map states at and past the engine's 40 levels, JSON at and past
the 256-level depth limit, 100,000 nested arrays), recursive and heavy JSONata expressions and
intrinsic calls are seeded too (`deep_seeds`, `expression_seeds`).

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


def nested_parallels(levels):
    state = '{"Type": "Pass", "End": true}'
    for _ in range(levels):
        state = ('{"Type": "Parallel", "End": true, "Branches": [{"StartAt": "S", "States": {"S": %s}}]}'
                 % state)
    return '{"StartAt": "S", "States": {"S": %s}}' % state


def nested_maps(levels):
    state = '{"Type": "Pass", "End": true}'
    for _ in range(levels):
        state = ('{"Type": "Map", "End": true, "ItemsPath": "$$.Execution.Input.xs", "ItemProcessor": '
                 '{"StartAt": "S", "States": {"S": %s}}}' % state)
    return '{"StartAt": "S", "States": {"S": %s}}' % state


def pass_state(fields, jsonata=False):
    lang = '"QueryLanguage": "JSONata", ' if jsonata else ""
    return '{%s"StartAt": "S", "States": {"S": {"Type": "Pass", %s, "End": true}}}' % (lang, fields)


# JSONata expressions that the first smoke runs found slower than libFuzzer's then 10 s
# time-out under AddressSanitizer (endless recursion ran until the time-out instead of failing;
# huge ranges and pads built the whole value first). Since the JSONata evaluation budget
# (decision 0009) each fails cleanly, but the recursive ones spend the whole 4,000,000-step
# budget: 0.8 s in a release build, 12-40 s under AddressSanitizer on a loaded 2-core machine.
# They stay out of the seed corpus, where they would stop a campaign at its first input, and
# are written to fuzz/regressions/ as reproducers (`--known-slow` seeds them too); the native
# tests in crates/asl/tests/hostile_jsonata.rs cover the same expressions.
KNOWN_SLOW_JSONATA = [
    "($f := function($n){ $f($n + 1) }; $f(0))",
    "($f := function($x){ $x($x) }; $f($f))",
    "($a := function($n){ $b($n) }; $b := function($n){ $a($n) }; $a(1))",
    "[1..10000000]",
    "$count([1..10000000])",
    "$pad('x', 1e9)",
    "$pad('x', -9223372036854775808)",
    "$reduce([1..1000000], function($a, $b){ $a + $b })",
]

# JSONata expressions that recurse, build large values or loop: each must end (an error or a
# value) within the engine's limits, not hang or overflow the stack.
HEAVY_JSONATA = [
    "($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20))",
    "($f := function($n){ $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(100000))",
    "$range(0, 1e9, 1)",
    "$range(0, 9223372036854775807, 1)",
    "$join([1..100000].$string())",
    "$sum([1..100000]) * 1e308",
    "$string(1e308 * 10)",
    "$formatNumber(1e308, '#,##0.00')",
    "$formatBase(9223372036854775807, 36)",
    "$power(10, 400)",
    "$substring('abc', -9223372036854775808, 9223372036854775807)",
    "$partition([1..1000], 0)",
    "$partition([1,2,3], 1e308)",
    "$hash('x', 'SHA-512')",
    "$parse('[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]')",
    "$parse('" + "[" * 300 + "]" * 300 + "')",
    "$states.input.n ~> function($x){ $x * 2 }",
    "$sort([1..1000], function($a, $b){ $a < $b })",
    "$match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /(a+)+$/)",
    "$replace('aaaa', /a*/, 'b')",
    "$split('a,b,c', ',', -1)",
    "'x' & $string($states)",
    "$eval('1 + 1')",
    "-0",
    "18446744073709551615 + 1",
    "9223372036854775807 % -1",
    "$floor(-0.5)",
    "$round(2.5, 400)",
    "{'a': [1..3]}.a[-9223372036854775808]",
]

HEAVY_INTRINSICS = [
    "States.ArrayRange(0, 9223372036854775807, 1)",
    "States.ArrayRange(0, 1000, 0)",
    "States.ArrayRange(-9223372036854775808, 9223372036854775807, 9223372036854775807)",
    "States.ArrayPartition($.xs, 0)",
    "States.ArrayPartition($.xs, 18446744073709551615)",
    "States.ArrayGetItem($.xs, -1)",
    "States.MathAdd(9223372036854775807, 1)",
    "States.MathAdd(-9223372036854775808, -1)",
    "States.MathAdd(1e308, 1e308)",
    "States.MathRandom(9223372036854775807, -9223372036854775808)",
    "States.MathRandom(1, 1)",
    "States.StringSplit($.s, '')",
    "States.Format('{}{}{}', 1, 2)",
    "States.Format('\\{}', 1)",
    "States.StringToJson('" + "[" * 300 + "]" * 300 + "')",
    "States.JsonMerge($.o, $.o, true)",
    "States.Hash($.s, 'SHA-512')",
    "States.Base64Decode('====')",
    "States.ArrayUnique(States.Array(1, 1.0, -0, 0))",
    "States.Array(" + ", ".join(["States.Array(1)"] * 20) + ")",
    "States.ArrayLength(" * 10 + "States.Array()" + ")" * 10,
    "States.ArrayLength(" * 11 + "States.Array()" + ")" * 11,
    "States.UUID()",
]


def jsonata_pass(expr):
    return (pass_state('"Output": %s' % json.dumps("{% " + expr + " %}"), jsonata=True),
            '{"n": 3, "xs": [1, 2, 3]}')


def deep_seeds():
    """(definition text, input text) pairs at and past the nesting limits, and heavy
    expressions run in a state."""
    seeds = []
    for levels in (39, 40, 41, 64):
        seeds.append((nested_parallels(levels), "{}"))
        seeds.append((nested_maps(levels), '{"xs": [1]}'))
    for depth in (120, 128, 129, 250, 252, 256, 257, 1000):
        nested = "[" * depth + "1" + "]" * depth
        seeds.append((pass_state('"Result": %s' % nested), "{}"))
        seeds.append((pass_state('"Parameters": {"a.$": "$.x"}'), '{"x": %s}' % nested))
    seeds.append(("[" * 100000 + "]" * 100000, "{}"))
    for expr in HEAVY_JSONATA:
        seeds.append(jsonata_pass(expr))
    for call in HEAVY_INTRINSICS:
        seeds.append((pass_state('"Parameters": {"r.$": %s}' % json.dumps(call)),
                      '{"n": 3, "xs": [1, 2, 3], "s": "a,b", "o": {"a": 1}}'))
    return seeds


def expression_seeds():
    """Inputs of the jsonata_intrinsics target: a selector byte (even JSONata, odd intrinsic),
    the expression, optionally NUL and an input."""
    seeds = []
    inputs = ['{"n": 3, "xs": [1, 2, 3], "s": "a,b", "o": {"a": 1}}', '{"n": 1e308, "xs": []}']
    for expr in HEAVY_JSONATA + ["$states.input.xs[0]", "$x + $count($list)", "$states.context.Task.Token",
                                 "$uuid()", "$random()", "$now()", "$millis()", "$shuffle([1..10])"]:
        seeds.append(b"\x00" + expr.encode())
        for given in inputs:
            seeds.append(b"\x00" + expr.encode() + b"\0" + given.encode())
    for call in HEAVY_INTRINSICS + ["States.ArrayContains($.xs, 2)", "States.JsonToString($$.Task)",
                                    "States.ArrayLength($x)", "States.Base64Encode($.s)"]:
        seeds.append(b"\x01" + call.encode())
        for given in inputs:
            seeds.append(b"\x01" + call.encode() + b"\0" + given.encode())
    # The splice header (first byte 0xF8-0xFF): extreme numbers into the expression's numbers.
    for value in range(0, 24, 3):
        seeds.append(bytes([0xF8, value, 0]) + b"\x00$states.input.n + 1")
        seeds.append(bytes([0xFA, value, 0]) + b"\x01States.MathAdd(1, 2)")
        seeds.append(bytes([0xF9, value, 0]) + b"\x00$states.input.n * 2\0{\"n\": 3}")
    return seeds


def main() -> int:
    # A worktree under /work/wt/<name> or the main checkout /work/main: try both layouts.
    candidates = [ROOT / "../shared/conformance/cases", ROOT / "../../shared/conformance/cases"]
    if os.environ.get("STEPWISE_CONFORMANCE_DIR"):
        candidates.insert(0, Path(os.environ["STEPWISE_CONFORMANCE_DIR"]))
    positional = [a for a in sys.argv[1:] if not a.startswith("--")]
    if positional:
        candidates.insert(0, Path(positional[0]))
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
    seeds.extend(deep_seeds())
    for definition, given in seeds:
        write(FUZZ / "corpus" / "parse_validate", definition.encode())
        write(FUZZ / "corpus" / "run", definition.encode() + b"\0" + given.encode())
    # The run target's splice header on a few definitions: every number of the definition (0xFA)
    # or of the input (0xFB) replaced by each extreme value.
    spliced = 0
    for definition, given in extreme_number_seeds()[:25]:
        for value in range(0, 24, 4):
            for flags in (0xFA, 0xFB):
                write(FUZZ / "corpus" / "run",
                      bytes([flags, value, 0]) + definition.encode() + b"\0" + given.encode())
                spliced += 1
    expressions = expression_seeds()
    for data in expressions:
        write(FUZZ / "corpus" / "jsonata_intrinsics", data)
    known_slow = [jsonata_pass(e) for e in KNOWN_SLOW_JSONATA]
    for i, (definition, given) in enumerate(known_slow):
        write(FUZZ / "regressions" / "run", definition.encode() + b"\0" + given.encode())
        write(FUZZ / "regressions" / "jsonata_intrinsics", b"\x00" + KNOWN_SLOW_JSONATA[i].encode())
        if "--known-slow" in sys.argv:
            write(FUZZ / "corpus" / "run", definition.encode() + b"\0" + given.encode())
            write(FUZZ / "corpus" / "jsonata_intrinsics", b"\x00" + KNOWN_SLOW_JSONATA[i].encode())
    print(f"{len(seeds)} definition seeds, {spliced} spliced run seeds and {len(expressions)} "
          f"expression seeds written under {FUZZ / 'corpus'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
