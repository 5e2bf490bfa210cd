//! A panic hook that replaces the page with an error panel (instead of a dead, blank page) and
//! logs the panic to the console. The message is inserted as text, never as HTML.

use std::sync::Once;

static INSTALL: Once = Once::new();

pub fn install() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info.to_string();
            web_sys::console::error_1(&format!("Stepwise panicked: {message}").into());
            show_error_panel(&message);
        }));
    });
}

/// Inside the engine worker: a panic is reported to the page (which shows it and ends the run).
pub fn install_in_worker() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = crate::run::wire::FromWorker::Crashed { message: info.to_string() };
            crate::host::post_to_page(&message.to_text());
        }));
    });
}

fn show_error_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id("panic-panel");
    panel.set_attribute("role", "alert").ok();
    let add = |tag: &str, text: &str| {
        if let Ok(element) = document.create_element(tag) {
            element.set_text_content(Some(text));
            panel.append_child(&element).ok();
        }
    };
    add("h2", "Stepwise stopped working");
    add(
        "p",
        "An internal error occurred. Your definition and input are saved in this browser; \
         reload the page to continue.",
    );
    add("pre", message);
    body.set_text_content(None);
    body.append_child(&panel).ok();
}
