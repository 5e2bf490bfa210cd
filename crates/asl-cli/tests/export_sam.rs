//! `asl export sam`: the templates it writes for the tutorial and every example
//! (`examples/*.asl.json`: the gallery's and the CLI-only ones) pass cfn-lint,
//! as YAML and as JSON, and the YAML reads back as exactly the JSON.
//!
//! cfn-lint comes from PyPI: `cargo xtask test` (what CI runs) installs it into a virtualenv
//! under `target/tools/cfn-lint` and names it in `CFN_LINT`. A plain `cargo test` looks there,
//! then on PATH; without it these tests say so and pass, except under CI (`CI=true`), where a
//! missing linter fails them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn asl(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_asl")).args(args).output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh temporary directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-export-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every example definition (`examples/*.asl.json`), by file name: the gallery's (each file
/// `src/panels/gallery.rs` includes must be among them) and the CLI-only ones.
fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(workspace().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".asl.json"))
        .collect();
    files.sort();
    let gallery = std::fs::read_to_string(workspace().join("src/panels/gallery.rs")).unwrap();
    let names: Vec<String> =
        files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let included: Vec<&str> = gallery
        .split("include_str!(\"../../examples/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| name.ends_with(".asl.json"))
        .collect();
    assert!(included.len() >= 7, "{included:?}");
    for name in included {
        assert!(names.iter().any(|n| n == name), "{name} is in the gallery, not in examples/");
    }
    files
}

/// cfn-lint: `CFN_LINT`, the virtualenv `cargo xtask` installs, or PATH. None (with a note)
/// when it is absent outside CI; a failure under CI.
fn cfn_lint(test: &str) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("CFN_LINT") {
        candidates.push(PathBuf::from(path));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    candidates.push(target.join("tools/cfn-lint/bin/cfn-lint"));
    candidates.push(PathBuf::from("cfn-lint"));
    for candidate in candidates {
        let works =
            Command::new(&candidate).arg("--version").output().is_ok_and(|o| o.status.success());
        if works {
            return Some(candidate);
        }
    }
    let message = "cfn-lint is not installed: `cargo xtask test` installs it (or `cargo xtask \
                   setup`, into target/tools/cfn-lint), or set CFN_LINT to its path";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {message}");
    }
    // Straight to stderr: the test harness captures eprintln!, and this note must be seen.
    let _ = writeln!(std::io::stderr(), "export_sam::{test}: SKIPPED: {message}");
    None
}

/// Runs cfn-lint on `files`; a failure shows what it reported.
fn lint(linter: &Path, files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(linter).args(files).output().unwrap();
    let report =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

/// Exports `definition` in both formats into `dir`; returns the two files.
fn export_both(definition: &Path, dir: &Path) -> [PathBuf; 2] {
    let stem = definition.file_name().unwrap().to_string_lossy().replace(".asl.json", "");
    ["yaml", "json"].map(|format| {
        let out = asl(&["export", "sam", &definition.to_string_lossy(), "--format", format]);
        assert_eq!(out.code, 0, "{stem} ({format}): {}", out.stderr);
        let file = dir.join(format!("{stem}.{format}"));
        std::fs::write(&file, &out.stdout).unwrap();
        file
    })
}

/// A definition that names resources of every kind, nested in Parallel and Map states, in
/// JSONPath and JSONata.
const RESOURCES: &str = r#"{
  "Comment": "Resources of every kind",
  "StartAt": "Fan out",
  "States": {
    "Fan out": {
      "Type": "Parallel",
      "Next": "Review",
      "Branches": [
        {
          "StartAt": "Resize",
          "States": {
            "Resize": {
              "Type": "Task",
              "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:resize-image:prod",
              "End": true
            }
          }
        },
        {
          "StartAt": "Each order",
          "States": {
            "Each order": {
              "Type": "Map",
              "ItemsPath": "$.orders",
              "ItemProcessor": {
                "ProcessorConfig": { "Mode": "INLINE" },
                "StartAt": "Notify",
                "States": {
                  "Notify": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {
                      "TopicArn": "arn:aws:sns:eu-west-1:111122223333:Orders",
                      "Message.$": "$"
                    },
                    "Next": "Call mock"
                  },
                  "Call mock": {
                    "Type": "Task",
                    "QueryLanguage": "JSONata",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {
                      "FunctionName": "MockAPIFunction",
                      "Payload": { "statuscode": "{% $states.input.code %}" }
                    },
                    "End": true
                  }
                }
              },
              "End": true
            }
          }
        }
      ]
    },
    "Review": {
      "Type": "Task",
      "Resource": "arn:aws:states:eu-west-1:111122223333:activity:Review",
      "Credentials": { "RoleArn": "arn:aws:iam::111122223333:role/Reviewer" },
      "TimeoutSeconds": 300,
      "End": true
    }
  }
}"#;

/// Strings, keys and numbers a careless YAML writer would change.
const AWKWARD: &str = r##"{
  "Comment": "Keys and values YAML 1.1 reads as something else unless quoted",
  "StartAt": "Yes: #1 - 'odd' name",
  "States": {
    "Yes: #1 - 'odd' name": {
      "Type": "Pass",
      "Result": {
        "on": "off",
        "y": "n",
        "null": "~",
        "date": "2010-09-09",
        "octal": "0o17",
        "hex": "0x10",
        "exp": "1e3",
        "colon": "a: b",
        "hash": "# not a comment",
        "dash": "- not a list",
        "star": "*alias",
        "amp": "&anchor",
        "bang": "!Ref Something",
        "brace": "{not: a map}",
        "bracket": "[not, a, list]",
        "pipe": "| not a block",
        "quotes": "'single' \"double\" \\back\\",
        "lines": "first\nsecond\n",
        "code": "def f():\n    return 1\n",
        "tab": "a\tb",
        "control": "bell\u0007 del\u007f next-line\u0085 line-sep\u2028 bom\ufeff",
        "unicode": "été 日本 😀",
        "spaces": "  padded  ",
        "empty": "",
        "": "empty key",
        "numbers": [0, -1, 1.5, 1e300, 1.0e-7, -0.0, 18446744073709551615, 12345678901234567890],
        "nested": [[], {}, [[1, "two"], {"three": null}], true, false]
      },
      "End": true
    }
  }
}"##;

#[test]
fn the_tutorial_and_every_gallery_example_export_templates_cfn_lint_accepts() {
    let dir = temp_dir("gallery");
    let mut files = Vec::new();
    for example in examples() {
        files.extend(export_both(&example, &dir));
    }
    for (name, text) in [("resources", RESOURCES), ("awkward", AWKWARD)] {
        let definition = dir.join(format!("{name}.asl.json"));
        std::fs::write(&definition, text).unwrap();
        files.extend(export_both(&definition, &dir));
    }

    // What the tutorial's template holds (checked with or without cfn-lint).
    let tutorial = std::fs::read_to_string(dir.join("tutorial.yaml")).unwrap();
    for expected in [
        "Transform: \"AWS::Serverless-2016-10-31\"",
        "  StateMachine:\n    Type: \"AWS::Serverless::StateMachine\"",
        "  MockAPIFunction:\n    Type: \"AWS::Serverless::Function\"",
        "        Resource: \"${MockAPIFunctionArn}\"",
        "    def lambda_handler(event, context):",
        "Principal:\n              Service: \"states.amazonaws.com\"",
        "iam::aws:policy/service-role/AWSLambdaRole",
    ] {
        assert!(tutorial.contains(expected), "missing {expected:?} in\n{tutorial}");
    }
    let resources: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("resources.json")).unwrap())
            .unwrap();
    let parameters: Vec<&String> = resources["Parameters"].as_object().unwrap().keys().collect();
    assert_eq!(
        parameters,
        ["ResizeImageProdArn", "SnsOrdersArn", "StatesActivityReviewArn", "IamRoleReviewerArn"]
    );

    let Some(linter) = cfn_lint("gallery") else { return };
    let (ok, report) = lint(&linter, &files);
    assert!(ok, "cfn-lint flagged an exported template:\n{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cfn_lint_flags_a_broken_template() {
    // The check above means something only if the linter reports real mistakes: the same
    // tutorial template with its function's role renamed away, and with the tutorial's own
    // runtime, Python 3.9, which Lambda has deprecated (a warning: warnings fail too).
    let dir = temp_dir("broken");
    let [yaml, _] = export_both(&workspace().join("examples/tutorial.asl.json"), &dir);
    let good = std::fs::read_to_string(&yaml).unwrap();
    let missing_role = dir.join("missing-role.yaml");
    std::fs::write(&missing_role, good.replacen("[\"LambdaBasicExecution\"", "[\"NoSuchRole\"", 1))
        .unwrap();
    let bad_runtime = dir.join("bad-runtime.yaml");
    std::fs::write(&bad_runtime, good.replace("python3.13", "python3.9")).unwrap();
    let Some(linter) = cfn_lint("broken") else { return };
    for file in [missing_role, bad_runtime] {
        let (ok, report) = lint(&linter, std::slice::from_ref(&file));
        assert!(!ok, "cfn-lint accepted {}:\n{report}", file.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_yaml_template_reads_back_as_the_json_template() {
    let dir = temp_dir("roundtrip");
    let definition = dir.join("awkward.asl.json");
    std::fs::write(&definition, AWKWARD).unwrap();
    let [yaml, json] = export_both(&definition, &dir);
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(text.contains("\"Yes: #1 - 'odd' name\":"), "{text}");
    assert!(text.contains("\"on\": \"off\""), "{text}");
    assert!(text.contains("code: |\n"), "{text}");
    // PyYAML (YAML 1.1, as CloudFormation reads it) comes with cfn-lint.
    let Some(linter) = cfn_lint("roundtrip") else { return };
    let python = linter.parent().map(|d| d.join("python")).filter(|p| p.exists());
    let python = python.unwrap_or_else(|| PathBuf::from("python3"));
    let script = "import json, sys, yaml\n\
                  y = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n\
                  j = json.load(open(sys.argv[2], encoding='utf-8'))\n\
                  print('same' if y == j else 'different')\n";
    let out = Command::new(&python).arg("-c").arg(script).arg(&yaml).arg(&json).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "same");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_refuses_an_invalid_definition_and_an_unknown_format() {
    let dir = temp_dir("refuse");
    let bad = dir.join("bad.asl.json");
    std::fs::write(&bad, r#"{"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}"#)
        .unwrap();
    let out = asl(&["export", "sam", &bad.to_string_lossy()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("bad.asl.json"), "{}", out.stderr);
    assert!(out.stderr.contains("error["), "{}", out.stderr);

    let tutorial = workspace().join("examples/tutorial.asl.json");
    let out = asl(&["export", "sam", &tutorial.to_string_lossy(), "--format", "xml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("xml"), "{}", out.stderr);

    let out = asl(&["export", "sam", &dir.join("absent.json").to_string_lossy()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);

    // JSON by request; the default is YAML.
    let out = asl(&["export", "sam", &tutorial.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.code, 0);
    let template: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        template["Resources"]["MockAPIFunction"]["Properties"]["Handler"],
        "index.lambda_handler"
    );
    let out = asl(&["export", "sam", &tutorial.to_string_lossy()]);
    assert!(out.stdout.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
