//! Choice rules: their model and their evaluation.
// TEMPORARY (replaced by the choice branch at merge)
#[derive(Debug, Clone)]
pub struct ChoiceRule(pub serde_json::Value);
pub struct Choice {
    pub rule: ChoiceRule,
    pub next: String,
    pub comment: Option<String>,
}
pub fn parse_choice(rule: &serde_json::Value) -> Result<Choice, Vec<(String, String)>> {
    Ok(Choice {
        rule: ChoiceRule(rule.clone()),
        next: rule.get("Next").and_then(|v| v.as_str()).unwrap_or("").to_string(),
        comment: None,
    })
}
pub fn evaluate(
    _rule: &ChoiceRule,
    _resolve: &mut dyn FnMut(&str) -> Result<Option<serde_json::Value>, crate::StatesError>,
) -> Result<bool, crate::StatesError> {
    Ok(false)
}
pub fn label(_rule: &ChoiceRule) -> String {
    String::new()
}
pub fn paths(_rule: &ChoiceRule) -> Vec<&str> {
    vec![]
}
