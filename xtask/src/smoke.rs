//! A smoke test of the release build as users get it: `dist/` served over HTTP, driven in
//! headless Chromium through ChromeDriver (the WebDriver protocol over plain HTTP). It covers
//! what the wasm-bindgen tests cannot: the real page, the trunk-built assets and the JSONata
//! module loaded on demand.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{Result, CHROMEDRIVER, CHROMIUM};

/// Serves `dir` on 127.0.0.1 (a new thread per connection); returns the port.
fn serve(dir: PathBuf) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            thread::spawn(move || {
                let _ = answer(stream, &dir);
            });
        }
    });
    Ok(port)
}

fn answer(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/").trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let file = dir.join(path);
    let mut stream = stream;
    let inside = !path.split('/').any(|part| part == "..");
    match std::fs::read(&file).ok().filter(|_| inside) {
        Some(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("css") => "text/css",
                Some("wasm") => "application/wasm",
                _ => "application/octet-stream",
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// One WebDriver call.
fn webdriver(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("chromedriver: {e}"))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // Read the headers, then exactly Content-Length bytes (the server may keep the
    // connection open).
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        head.push_str(&line);
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|e| format!("webdriver {method} {path}: {e}"))?;
    let text = String::from_utf8_lossy(&body);
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("webdriver {method} {path}: {e}: {head} {text}"))?;
    if value["value"].get("error").is_some() {
        return Err(format!("webdriver {method} {path}: {}", value["value"]));
    }
    Ok(value)
}

struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = webdriver(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    fn start(profile: &Path) -> Result<Browser> {
        let port = {
            let probe = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            probe.local_addr().map_err(|e| e.to_string())?.port()
        };
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while webdriver(port, "GET", "/status", None).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start".into());
            }
            thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,800", "--no-first-run", "--disable-background-networking",
                     format!("--user-data-dir={}", profile.display())]}}}});
        let mut browser = Browser { driver, port, session: String::new() };
        let reply = webdriver(port, "POST", "/session", Some(&caps))?;
        browser.session = reply["value"]["sessionId"].as_str().unwrap_or_default().to_string();
        Ok(browser)
    }

    fn call(&self, method: &str, what: &str, body: Option<&Value>) -> Result<Value> {
        webdriver(self.port, method, &format!("/session/{}/{what}", self.session), body)
    }

    fn open(&self, url: &str) -> Result<()> {
        self.call("POST", "url", Some(&json!({"url": url}))).map(|_| ())
    }

    fn js(&self, script: &str, args: Value) -> Result<Value> {
        let reply =
            self.call("POST", "execute/sync", Some(&json!({"script": script, "args": args})))?;
        Ok(reply["value"].clone())
    }

    /// Polls `script` until it returns something other than null/false/"" (or times out).
    fn wait_for(&self, what: &str, script: &str, seconds: u64) -> Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let value = self.js(script, json!([]))?;
            if !matches!(&value, Value::Null | Value::Bool(false)) && value != json!("") {
                return Ok(value);
            }
            if Instant::now() > deadline {
                return Err(format!("smoke test: timed out waiting for {what}"));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

const STATUS: &str =
    "return document.querySelector('#execution-status .status-label')?.textContent";

/// Loads the page with `definition` and `input` saved, runs it, returns (status, output text).
fn run(browser: &Browser, url: &str, definition: &str, input: &str) -> Result<(String, String)> {
    browser.open(url)?;
    browser.wait_for("the page", "return document.querySelector('#start')", 30)?;
    browser.js(
        "localStorage.clear();
         localStorage.setItem('stepwise.definition', arguments[0]);
         localStorage.setItem('stepwise.input', arguments[1]);",
        json!([definition, input]),
    )?;
    browser.open(url)?;
    browser.wait_for(
        "Start to be enabled",
        "const b = document.querySelector('#start'); return b && !b.disabled",
        30,
    )?;
    browser.js("document.querySelector('#start').click()", json!([]))?;
    let status = browser.wait_for(
        "the execution to end",
        &format!("const s = (function() {{ {STATUS} }})(); return s && s !== 'Running' ? s : null"),
        30,
    )?;
    browser.js("document.querySelectorAll('.io [role=tab]')[1]?.click()", json!([]))?;
    thread::sleep(Duration::from_millis(100));
    let output =
        browser.js("return document.querySelector('.io .json-view')?.textContent", json!([]))?;
    Ok((
        status.as_str().unwrap_or_default().to_string(),
        output.as_str().unwrap_or_default().to_string(),
    ))
}

/// Runs the tutorial (503), the JSONata tutorial (200) and a YAML definition in the release
/// build in `dist`.
pub fn smoke(root: &Path, dist: &Path) -> Result<()> {
    let port = serve(dist.to_path_buf())?;
    let url = format!("http://127.0.0.1:{port}/");
    let profile = std::env::temp_dir().join(format!("stepwise-smoke-{}", std::process::id()));
    let result = (|| {
        let browser = Browser::start(&profile)?;
        // Figures, not checks: how soon a first visit paints the app (the wasm fetched,
        // instantiated and mounted), read from the browser's paint timing.
        browser.open(&url)?;
        browser.wait_for("the page", "return document.querySelector('#start')", 30)?;
        let paint = browser.wait_for(
            "the first paint",
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
             return p ? p.startTime : null",
            10,
        )?;
        eprintln!("xtask: smoke: first contentful paint {:.0} ms", paint.as_f64().unwrap_or(0.0));
        let read = |name: &str| {
            std::fs::read_to_string(root.join("examples").join(name))
                .map_err(|e| format!("cannot read examples/{name}: {e}"))
        };
        let cases = [
            ("tutorial.asl.json", "{\"statuscode\": \"503\"}", "Failed", None),
            (
                "tutorial-jsonata.asl.json",
                "{\"statuscode\": \"200\"}",
                "Succeeded",
                Some("\"The request has succeeded: 200 OK\""),
            ),
        ];
        for (file, input, want_status, want_output) in cases {
            let (status, output) = run(&browser, &url, &read(file)?, input)?;
            if status != want_status || want_output.is_some_and(|o| o != output) {
                return Err(format!(
                    "smoke test: {file} with {input} ended {status} with output {output}"
                ));
            }
            eprintln!("xtask: smoke: {file} with {input}: {status} {output}");
        }
        let module = browser.js(
            "const r = performance.getEntriesByType('resource')
                 .filter(r => r.name.includes('jsonata/') && r.name.endsWith('.wasm'));
             return r.length ? r[0].responseEnd - r[0].startTime : null",
            json!([]),
        )?;
        let Some(fetched_ms) = module.as_f64() else {
            return Err("smoke test: the JSONata module was not fetched".into());
        };
        eprintln!("xtask: smoke: JSONata module fetched in {fetched_ms:.0} ms");
        // A YAML definition: the page fetches the YAML reader (dist/yaml/) before it can
        // compile it and enable Start.
        let yaml =
            "StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result: from YAML\n    End: true\n";
        let (status, output) = run(&browser, &url, yaml, "{}")?;
        if status != "Succeeded" || output != "\"from YAML\"" {
            return Err(format!("smoke test: a YAML definition ended {status} with {output}"));
        }
        eprintln!("xtask: smoke: a YAML definition: {status} {output}");
        let fetched = browser.js(
            "return performance.getEntriesByType('resource')
                 .some(r => r.name.includes('yaml/') && r.name.endsWith('.wasm'))",
            json!([]),
        )?;
        if fetched != json!(true) {
            return Err("smoke test: the YAML reader module was not fetched".into());
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&profile);
    result
}
