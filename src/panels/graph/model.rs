//! What the graph shows, independent of drawing: one node per state (Parallel and Map states
//! are containers with one lane per branch / the item processor), Start and End markers per
//! flow, and one edge per transition with its label (Choice rule, "Default", the errors a Catch
//! handles, a Retry loop). Also the text measurements the layout needs.

use asl::definition::{ChoiceCondition, MapMode, Program, Retrier, StateKind, Transition};
use layout::{Direction, Edge, EdgeKind, Graph, Layout, Node, Options};

/// Layout ids of the Start / End markers of a flow (unique per level; no state name holds
/// a control character).
pub const START: &str = "\u{1}start";
pub const END: &str = "\u{1}end";

/// Longest edge label drawn; longer ones end with an ellipsis (full text in the tooltip).
const LABEL_CHARS: usize = 34;
/// Longest state name drawn in a node.
const NAME_CHARS: usize = 38;

pub const NAME_PX: f64 = 12.5;
pub const TYPE_PX: f64 = 10.5;
pub const LABEL_PX: f64 = 11.0;
pub const LABEL_HEIGHT: f64 = 17.0;
pub const NODE_HEIGHT: f64 = 46.0;
pub const MARKER_WIDTH: f64 = 56.0;
pub const MARKER_HEIGHT: f64 = 26.0;
pub const HEADER_HEIGHT: f64 = 42.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Start,
    End,
    State,
    /// A Parallel or Map state: its lanes are drawn inside it.
    Container,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStyle {
    Next,
    Choice,
    Default,
    Catch,
    Retry,
}

impl EdgeStyle {
    pub fn css(self) -> &'static str {
        match self {
            EdgeStyle::Next => "next",
            EdgeStyle::Choice => "choice",
            EdgeStyle::Default => "default",
            EdgeStyle::Catch => "catch",
            EdgeStyle::Retry => "retry",
        }
    }

    fn layout_kind(self) -> EdgeKind {
        match self {
            EdgeStyle::Next | EdgeStyle::Retry => EdgeKind::Next,
            EdgeStyle::Choice => EdgeKind::Choice,
            EdgeStyle::Default => EdgeKind::Default,
            EdgeStyle::Catch => EdgeKind::Catch,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// The state name (or START / END).
    pub id: String,
    pub shape: Shape,
    /// The name as drawn (possibly shortened).
    pub title: String,
    /// Second line: the state type (and what a Task calls, a container's lanes).
    pub subtitle: String,
    /// One per Parallel branch; one for a Map's item processor.
    pub lanes: Vec<Level>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgeSpec {
    pub from: String,
    pub to: String,
    pub style: EdgeStyle,
    /// The label as drawn (shortened to [`LABEL_CHARS`]).
    pub label: Option<String>,
    /// The full label text (the tooltip).
    pub full: Option<String>,
    /// For a Choice or Catch edge, the index of its rule in `Choices` / `Catch` (the Tests
    /// tab marks edges by it).
    pub rule: Option<usize>,
}

/// One flow: the top level, a Parallel branch or a Map item processor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Level {
    pub nodes: Vec<NodeSpec>,
    pub edges: Vec<EdgeSpec>,
}

impl Level {
    /// Every state node at this level and below (containers included, markers excluded).
    pub fn states(&self) -> Vec<&NodeSpec> {
        let mut out = Vec::new();
        self.collect_states(&mut out);
        out
    }

    fn collect_states<'a>(&'a self, out: &mut Vec<&'a NodeSpec>) {
        for node in &self.nodes {
            if matches!(node.shape, Shape::State | Shape::Container) {
                out.push(node);
            }
            for lane in &node.lanes {
                lane.collect_states(out);
            }
        }
    }

    /// Every edge at this level and below.
    pub fn all_edges(&self) -> Vec<&EdgeSpec> {
        let mut out: Vec<&EdgeSpec> = self.edges.iter().collect();
        for node in &self.nodes {
            for lane in &node.lanes {
                out.extend(lane.all_edges());
            }
        }
        out
    }
}

/// Approximate advance width of `text` in the app's sans-serif font at `px` pixels.
pub fn text_width(text: &str, px: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | '(' | ')' => 0.3,
            ' ' | 'f' | 't' | 'r' | '[' | ']' | '"' => 0.36,
            'm' | 'w' | 'M' | 'W' | '@' | '%' | '—' => 0.86,
            c if c.is_ascii_uppercase() => 0.68,
            c if c.is_ascii_digit() => 0.56,
            c if c.is_ascii() => 0.54,
            _ => 0.9,
        })
        .sum();
    em * px
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The model of definition text, or None when it does not compile.
#[cfg(test)]
pub fn model_of(definition: &str) -> Option<Level> {
    let machine = asl::StateMachine::from_text(definition).ok()?;
    Some(level_of(&machine.program))
}

fn task_subtitle(resource: &str) -> String {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        // e.g. "lambda:invoke", "sqs:sendMessage.waitForTaskToken", "aws-sdk:s3:getObject"
        let base = rest.split('.').next().unwrap_or(rest);
        let base = base.strip_prefix("aws-sdk:").unwrap_or(base);
        return format!("Task · {}", shorten(base, 28));
    }
    if resource.contains(":lambda:") && resource.contains(":function:") {
        return "Task · Lambda function".into();
    }
    if resource.contains(":activity:") {
        return "Task · Activity".into();
    }
    "Task".into()
}

fn subtitle(kind: &StateKind) -> String {
    match kind {
        StateKind::Task(task) => task_subtitle(&task.resource),
        StateKind::Parallel { branches } => match branches.len() {
            1 => "Parallel · 1 branch".into(),
            n => format!("Parallel · {n} branches"),
        },
        StateKind::Map(map) => match map.mode {
            MapMode::Inline => "Map · Inline iterations".into(),
            MapMode::Distributed => "Map · Distributed".into(),
        },
        other => other.type_name().into(),
    }
}

/// A Choice rule as text: the JSONPath rule (`$.n > 5`) or the JSONata `Condition`.
pub fn condition_text(condition: &ChoiceCondition) -> String {
    match condition {
        ChoiceCondition::Rule(rule) => asl::choice::label_full(rule),
        ChoiceCondition::Condition(condition) => match condition.source() {
            serde_json::Value::String(text) => {
                let t = text.trim();
                let inner = t.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")).unwrap_or(t);
                inner.trim().to_string()
            }
            other => other.to_string(),
        },
    }
}

/// The retry loop's text, e.g. "Retry TooManyRequestsException ×2" (None when no retrier
/// can retry: MaxAttempts 0).
pub fn retry_text(retry: &[Retrier]) -> Option<String> {
    let parts: Vec<String> = retry
        .iter()
        .filter(|r| r.max_attempts > 0)
        .map(|r| format!("{} ×{}", r.error_equals.join(", "), r.max_attempts))
        .collect();
    (!parts.is_empty()).then(|| format!("Retry {}", parts.join("; ")))
}

fn edge(from: &str, to: &str, style: EdgeStyle, label: Option<String>) -> EdgeSpec {
    EdgeSpec {
        from: from.to_string(),
        to: to.to_string(),
        style,
        label: label.as_deref().map(|l| shorten(l, LABEL_CHARS)),
        full: label,
        rule: None,
    }
}

fn level_of(program: &Program) -> Level {
    let mut nodes = vec![marker(Shape::Start)];
    let mut edges = Vec::new();
    if program.states.contains_key(&program.start_at) {
        edges.push(edge(START, &program.start_at, EdgeStyle::Next, None));
    }
    let mut ends = false;
    for (name, state) in &program.states {
        let lanes = match &state.kind {
            StateKind::Parallel { branches } => branches.iter().map(|b| level_of(b)).collect(),
            StateKind::Map(map) => vec![level_of(&map.processor)],
            _ => Vec::new(),
        };
        let shape = if lanes.is_empty() { Shape::State } else { Shape::Container };
        nodes.push(NodeSpec {
            id: name.clone(),
            shape,
            title: shorten(name, NAME_CHARS),
            subtitle: subtitle(&state.kind),
            lanes,
        });
        if let Some(text) = retry_text(&state.retry) {
            edges.push(edge(name, name, EdgeStyle::Retry, Some(text)));
        }
        match &state.transition {
            Transition::Next(next) => edges.push(edge(name, next, EdgeStyle::Next, None)),
            Transition::End => {
                ends = true;
                edges.push(edge(name, END, EdgeStyle::Next, None));
            }
            Transition::Terminal => {}
        }
        match &state.kind {
            StateKind::Choice(choice) => {
                for (i, branch) in choice.choices.iter().enumerate() {
                    let text = condition_text(&branch.rule);
                    let e = edge(name, &branch.next, EdgeStyle::Choice, Some(text));
                    edges.push(EdgeSpec { rule: Some(i), ..e });
                }
                if let Some(default) = &choice.default {
                    edges.push(edge(name, default, EdgeStyle::Default, Some("Default".into())));
                }
            }
            StateKind::Succeed | StateKind::Fail(_) => {
                ends = true;
                edges.push(edge(name, END, EdgeStyle::Next, None));
            }
            _ => {}
        }
        for (i, catcher) in state.catch.iter().enumerate() {
            let text = catcher.error_equals.join(", ");
            let e = edge(name, &catcher.next, EdgeStyle::Catch, Some(text));
            edges.push(EdgeSpec { rule: Some(i), ..e });
        }
    }
    if ends {
        nodes.push(marker(Shape::End));
    }
    // A definition that parsed refers only to states that exist; stay safe regardless.
    let known = |id: &str| nodes.iter().any(|n| n.id == id);
    let edges = edges.into_iter().filter(|e| known(&e.from) && known(&e.to)).collect();
    Level { nodes, edges }
}

fn marker(shape: Shape) -> NodeSpec {
    let (id, title) = if shape == Shape::Start { (START, "Start") } else { (END, "End") };
    NodeSpec {
        id: id.into(),
        shape,
        title: title.into(),
        subtitle: String::new(),
        lanes: Vec::new(),
    }
}

/// Measured width of a state node or a container's header.
pub fn node_width(node: &NodeSpec) -> f64 {
    let text = text_width(&node.title, NAME_PX).max(text_width(&node.subtitle, TYPE_PX));
    (text + 32.0).max(110.0).ceil()
}

pub fn label_size(text: &str) -> (f64, f64) {
    ((text_width(text, LABEL_PX) + 12.0).ceil(), LABEL_HEIGHT)
}

/// The layout crate's input for a level.
pub fn to_graph(level: &Level) -> Graph {
    let nodes = level
        .nodes
        .iter()
        .map(|n| match n.shape {
            Shape::Start | Shape::End => Node::new(n.id.clone(), MARKER_WIDTH, MARKER_HEIGHT),
            Shape::State => Node::new(n.id.clone(), node_width(n), NODE_HEIGHT),
            Shape::Container => Node::container(
                n.id.clone(),
                node_width(n),
                0.0,
                n.lanes.iter().map(to_graph).collect(),
            ),
        })
        .collect();
    let edges = level
        .edges
        .iter()
        .map(|e| {
            let base = Edge::new(e.from.clone(), e.to.clone(), e.style.layout_kind());
            match &e.label {
                Some(label) => {
                    let (w, h) = label_size(label);
                    base.with_label(w, h)
                }
                None => base,
            }
        })
        .collect();
    Graph { nodes, edges }
}

pub fn options(direction: Direction) -> Options {
    Options {
        direction,
        node_spacing: 36.0,
        edge_spacing: 18.0,
        rank_spacing: 44.0,
        container_padding: 12.0,
        lane_padding: 14.0,
        lane_spacing: 14.0,
        header_height: HEADER_HEIGHT,
        label_gap: 5.0,
    }
}

/// The model and its layout (same tree shape: nodes, lanes and edges in the same order).
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub model: Level,
    pub layout: Layout,
    pub direction: Direction,
}

/// The laid-out model of a compiled definition (None if the layout fails).
pub fn drawing_of(machine: &asl::StateMachine, direction: Direction) -> Option<Drawing> {
    let model = level_of(&machine.program);
    let layout = layout::layout(&to_graph(&model), &options(direction)).ok()?;
    Some(Drawing { model, layout, direction })
}

/// [`drawing_of`] definition text (None when it does not compile).
#[cfg(test)]
pub fn drawing_of_text(definition: &str, direction: Direction) -> Option<Drawing> {
    drawing_of(&asl::StateMachine::from_text(definition).ok()?, direction)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TUTORIAL: &str = include_str!("../../../examples/tutorial.asl.json");

    pub const PARALLEL_MAP: &str = r#"{
      "StartAt": "Fan out",
      "States": {
        "Fan out": {
          "Type": "Parallel",
          "Branches": [
            {"StartAt": "A1", "States": {"A1": {"Type": "Pass", "Next": "A2"}, "A2": {"Type": "Succeed"}}},
            {"StartAt": "B1", "States": {"B1": {"Type": "Wait", "Seconds": 1, "End": true}}},
            {"StartAt": "C1", "States": {"C1": {"Type": "Choice",
               "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "C2"}],
               "Default": "C3"},
               "C2": {"Type": "Pass", "End": true}, "C3": {"Type": "Fail", "Error": "Low"}}}
          ],
          "Catch": [{"ErrorEquals": ["Low", "States.Timeout"], "Next": "Recover"}],
          "Next": "Each"
        },
        "Recover": {"Type": "Pass", "Next": "Each"},
        "Each": {
          "Type": "Map",
          "ItemsPath": "$.items",
          "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Work",
            "States": {"Work": {"Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
              "End": true}}
          },
          "End": true
        }
      }
    }"#;

    fn model(definition: &str) -> Level {
        match model_of(definition) {
            Some(m) => m,
            None => panic!("definition should parse"),
        }
    }

    fn labels(level: &Level, style: EdgeStyle) -> Vec<String> {
        level
            .all_edges()
            .into_iter()
            .filter(|e| e.style == style)
            .filter_map(|e| e.label.clone())
            .collect()
    }

    #[test]
    fn tutorial_has_its_states_catches_and_retry_loop() {
        let m = model(TUTORIAL);
        let names: Vec<&str> = m.states().iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            names,
            [
                "Call API",
                "Wait and Try Later",
                "Server Unavailable",
                "Catch All",
                "Change to 200",
                "OK"
            ]
        );
        assert_eq!(m.nodes.first().map(|n| n.shape), Some(Shape::Start));
        assert_eq!(m.nodes.last().map(|n| n.shape), Some(Shape::End));
        assert_eq!(
            labels(&m, EdgeStyle::Catch),
            ["TooManyRequestsException", "ServerUnavailableException", "States.ALL"]
        );
        assert_eq!(labels(&m, EdgeStyle::Retry), ["Retry TooManyRequestsException ×2"]);
        let retry: Vec<&EdgeSpec> =
            m.edges.iter().filter(|e| e.style == EdgeStyle::Retry).collect();
        assert_eq!((retry[0].from.as_str(), retry[0].to.as_str()), ("Call API", "Call API"));
        let call = m.states().into_iter().find(|n| n.id == "Call API").map(|n| n.subtitle.clone());
        assert_eq!(call.as_deref(), Some("Task · Lambda function"));
    }

    #[test]
    fn parallel_branches_and_map_processor_are_lanes() {
        let m = model(PARALLEL_MAP);
        let fan = m.nodes.iter().find(|n| n.id == "Fan out");
        let Some(fan) = fan else { panic!("Fan out is a node") };
        assert_eq!(fan.shape, Shape::Container);
        assert_eq!(fan.lanes.len(), 3);
        assert_eq!(fan.subtitle, "Parallel · 3 branches");
        // Each lane is its own flow with Start and End markers.
        for lane in &fan.lanes {
            assert_eq!(lane.nodes.first().map(|n| n.shape), Some(Shape::Start));
            assert_eq!(lane.nodes.last().map(|n| n.shape), Some(Shape::End));
        }
        let each = m.nodes.iter().find(|n| n.id == "Each");
        let Some(each) = each else { panic!("Each is a node") };
        assert_eq!(each.lanes.len(), 1);
        assert_eq!(each.subtitle, "Map · Inline iterations");
        let nested: Vec<&str> = m.states().iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            nested,
            ["Fan out", "A1", "A2", "B1", "C1", "C2", "C3", "Recover", "Each", "Work"]
        );
        assert_eq!(labels(&m, EdgeStyle::Choice), ["$.n > 5"]);
        assert_eq!(labels(&m, EdgeStyle::Default), ["Default"]);
        assert_eq!(labels(&m, EdgeStyle::Catch), ["Low, States.Timeout"]);
        assert_eq!(labels(&m, EdgeStyle::Retry), ["Retry States.ALL ×3"]);
        let work = m.states().into_iter().find(|n| n.id == "Work").map(|n| n.subtitle.clone());
        assert_eq!(work.as_deref(), Some("Task · lambda:invoke"));
    }

    #[test]
    fn layout_nests_lanes_inside_their_containers_without_overlaps() {
        let Some(d) = drawing_of_text(PARALLEL_MAP, Direction::TopDown) else { panic!("lays out") };
        let Some(fan) = d.layout.node("Fan out") else { panic!("Fan out laid out") };
        assert_eq!(fan.lanes.len(), 3);
        for lane in &fan.lanes {
            assert!(fan.rect.contains_rect(&lane.rect));
            for n in &lane.layout.nodes {
                assert!(lane.rect.contains_rect(&n.rect), "{} escapes its lane", n.id);
            }
        }
        for (i, a) in d.layout.nodes.iter().enumerate() {
            for b in d.layout.nodes.iter().skip(i + 1) {
                assert!(!a.rect.overlaps(&b.rect), "{} overlaps {}", a.id, b.id);
            }
        }
        assert!(drawing_of_text(PARALLEL_MAP, Direction::LeftRight).is_some());
    }

    #[test]
    fn long_choice_rules_are_shortened_with_the_full_text_kept() {
        let definition = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
            {"And":[{"Variable":"$.customer.address.country","StringEquals":"Luxembourg"},
                    {"Variable":"$.order.total","NumericGreaterThanEquals":1000}],"Next":"Big"}],
            "Default":"Small"},"Big":{"Type":"Succeed"},"Small":{"Type":"Succeed"}}}"#;
        let m = model(definition);
        let choice: Vec<&EdgeSpec> =
            m.edges.iter().filter(|e| e.style == EdgeStyle::Choice).collect();
        let label = choice[0].label.clone().unwrap_or_default();
        assert_eq!(label.chars().count(), LABEL_CHARS);
        assert!(label.ends_with('…'));
        assert_eq!(
            choice[0].full.as_deref(),
            Some("$.customer.address.country == \"Luxembourg\" && $.order.total >= 1000")
        );
    }

    #[test]
    fn jsonata_conditions_are_shown_as_their_expression() {
        let definition = r#"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{
            "Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 5 %}","Next":"D"}],
            "Default":"D"},"D":{"Type":"Succeed"}}}"#;
        let m = model(definition);
        assert_eq!(labels(&m, EdgeStyle::Choice), ["$states.input.n > 5"]);
    }

    #[test]
    fn retry_without_attempts_draws_no_loop() {
        let definition = r#"{"StartAt":"T","States":{"T":{"Type":"Task",
            "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
            "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}],"End":true}}}"#;
        assert!(labels(&model(definition), EdgeStyle::Retry).is_empty());
    }

    #[test]
    fn invalid_definition_has_no_model() {
        assert!(model_of("{").is_none());
    }

    #[test]
    fn big_definitions_lay_out() {
        // 300 states: a chain with a Choice every tenth state jumping ahead.
        let mut states = Vec::new();
        for i in 0..300 {
            let next = if i == 299 {
                "\"End\": true".to_string()
            } else {
                format!("\"Next\": \"S{}\"", i + 1)
            };
            if i % 10 == 5 && i + 7 < 300 {
                states.push(format!(
                    "\"S{i}\": {{\"Type\": \"Choice\", \"Choices\": [{{\"Variable\": \"$.x\", \"NumericEquals\": {i}, \"Next\": \"S{}\"}}], \"Default\": \"S{}\"}}",
                    i + 7,
                    i + 1
                ));
            } else {
                states.push(format!("\"S{i}\": {{\"Type\": \"Pass\", {next}}}"));
            }
        }
        let definition = format!("{{\"StartAt\": \"S0\", \"States\": {{{}}}}}", states.join(","));
        let Some(d) = drawing_of_text(&definition, Direction::TopDown) else { panic!("lays out") };
        assert_eq!(d.model.states().len(), 300);
    }
}
