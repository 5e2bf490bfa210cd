//! The page's list of executions (issue 11, docs/decisions/0021 "The page's Executions"):
//! every run started in the page, kept as the engine's [`RunRecipe`] — definition, input,
//! mocks, test case, seed, start time, name, start state, stop — never as a history. The
//! engine is deterministic, so opening a run re-creates its history (`run/replay.rs`).
//!
//! This module is the list itself (pure, tested natively): the records, the last
//! [`KEEP`] kept, their rows (re-runs under the run they came from), names generated and
//! checked as AWS does, and the JSON kept in localStorage.

use asl::runner::{RecipeRedrive, RecipeStart, RecipeStop, RunRecipe};
use serde::{Deserialize, Serialize};

use crate::run::Status;

/// How many executions the page keeps across reloads (the oldest go first).
pub const KEEP: usize = 50;

/// The localStorage key of the list.
pub const STORAGE_KEY: &str = "stepwise.executions";

/// One execution of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The page's own id (names can be edited, ids never repeat in a list).
    pub id: u64,
    pub recipe: RunRecipe,
    /// The run this one was re-run from ("Re-run from here"), if any.
    #[serde(default)]
    pub parent: Option<u64>,
    /// How it ended; `None` while running, or when the page was left while it ran.
    #[serde(default)]
    pub status: Option<Status>,
    /// Its last event's time (ms since the epoch), once it ended.
    #[serde(default)]
    pub end_ms: Option<i64>,
    /// The editor's text it was started from (the recipe holds the definition as JSON, which
    /// a YAML or template source is converted to); opening the run puts it back.
    #[serde(default)]
    pub source: Option<String>,
}

impl Record {
    pub fn name(&self) -> &str {
        &self.recipe.execution_name
    }

    /// The state it started at, when it was re-run from one.
    pub fn started_at(&self) -> Option<&str> {
        self.recipe.start_at.as_ref().map(|s| s.state.as_str())
    }

    /// "Running" until it is known to have ended.
    pub fn status_label(&self) -> &'static str {
        self.status.map_or("Running", Status::label)
    }

    /// End time minus start time, once it ended.
    pub fn duration_ms(&self) -> Option<i64> {
        self.end_ms.map(|end| end.saturating_sub(self.recipe.start_time_ms))
    }

    /// Records how the shown run of this record ended (a Stop belongs to its latest attempt:
    /// the first, or the latest redrive).
    pub fn finish(&mut self, status: Status, end_ms: i64, stop: Option<RecipeStop>) {
        self.status = Some(status);
        self.end_ms = Some(end_ms);
        if status == Status::Aborted {
            let attempt_stop = match self.recipe.redrives.last_mut() {
                Some(redrive) => &mut redrive.stop,
                None => &mut self.recipe.stop,
            };
            if attempt_stop.is_none() {
                *attempt_stop = stop;
            }
        }
    }

    /// The execution was redriven (the page's Redrive): the recipe gains the redrive, and
    /// the record is running again until the redriven attempt ends ([`Record::finish`]).
    pub fn redriven(&mut self, redrive: RecipeRedrive) {
        self.recipe.redrives.push(redrive);
        self.status = None;
        self.end_ms = None;
    }

    /// The redrive the page's Redrive adds to the recipe, from the `ExecutionRedriven` event's
    /// time and the mock configuration text and test case it sent ("": no mocks, and then no
    /// test case, as the worker reads them).
    pub fn redrive_of(at_ms: i64, mocks: &str, test_case: Option<String>) -> RecipeRedrive {
        let text = Some(mocks.to_string()).filter(|m| !m.trim().is_empty());
        let case = test_case.filter(|_| text.is_some());
        RecipeRedrive { at_ms, mocks: Some((text, case)), stop: None }
    }
}

/// `1.25 s`, `3 min 4 s`, as the console's Duration column.
pub fn format_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 60_000 {
        let secs = ms / 1000;
        let rest = ms % 1000;
        if rest == 0 {
            format!("{secs} s")
        } else {
            format!("{secs}.{rest:03} s")
        }
    } else {
        let minutes = ms / 60_000;
        let secs = (ms % 60_000) / 1000;
        format!("{minutes} min {secs} s")
    }
}

/// Why an execution name is refused: AWS's `InvalidName` and `ExecutionAlreadyExists`.
pub fn check_name(name: &str, taken: impl Fn(&str) -> bool) -> Result<(), String> {
    let length = name.chars().count();
    if !(1..=80).contains(&length) {
        return Err("InvalidName: an execution name has 1 to 80 characters.".into());
    }
    const FORBIDDEN: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";
    if let Some(c) =
        name.chars().find(|c| c.is_whitespace() || c.is_control() || FORBIDDEN.contains(*c))
    {
        return Err(format!("InvalidName: an execution name cannot contain {c:?}."));
    }
    if taken(name) {
        return Err(format!("ExecutionAlreadyExists: an execution named {name} exists."));
    }
    Ok(())
}

/// The list, oldest first (the order they were started in).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecutionList {
    pub records: Vec<Record>,
}

/// One row of the Executions table: a record and how deep it sits under re-runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row<'a> {
    pub record: &'a Record,
    pub depth: usize,
}

impl ExecutionList {
    /// The list as saved; unreadable text (an older format, a damaged value) gives an empty
    /// list rather than an error.
    pub fn from_json(text: &str) -> ExecutionList {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn get(&self, id: u64) -> Option<&Record> {
        self.records.iter().find(|r| r.id == id)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Record> {
        self.records.iter_mut().find(|r| r.id == id)
    }

    pub fn next_id(&self) -> u64 {
        self.records.iter().map(|r| r.id).max().unwrap_or(0).saturating_add(1)
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.records.iter().any(|r| r.name() == name)
    }

    /// A name as the console generates one (a UUID), from the run's seed; a further draw of
    /// the same source when that name is taken.
    pub fn generate_name(&self, seed: u64) -> String {
        let mut random = asl::Random::new(seed);
        loop {
            let name = random.uuid_v4();
            if !self.has_name(&name) {
                return name;
            }
        }
    }

    /// Adds a run; the oldest go once there are more than [`KEEP`].
    pub fn push(&mut self, record: Record) {
        self.records.push(record);
        let excess = self.records.len().saturating_sub(KEEP);
        self.records.drain(..excess);
    }

    /// Deletes a run; its re-runs stay (at the top level when their parent is gone).
    pub fn remove(&mut self, id: u64) {
        self.records.retain(|r| r.id != id);
    }

    /// The table's rows: the newest run first, each followed by its re-runs (newest first,
    /// indented), at any depth (an explicit stack, no recursion).
    pub fn rows(&self) -> Vec<Row<'_>> {
        let is_root = |r: &Record| r.parent.is_none_or(|p| p == r.id || self.get(p).is_none());
        let mut rows = Vec::with_capacity(self.records.len());
        let mut stack: Vec<Row<'_>> = self
            .records
            .iter()
            .filter(|r| is_root(r))
            .map(|record| Row { record, depth: 0 })
            .collect();
        // Popped from the end: pushing oldest first pops the newest first.
        while let Some(row) = stack.pop() {
            if rows.iter().any(|r: &Row<'_>| r.record.id == row.record.id) {
                continue;
            }
            rows.push(row);
            stack.extend(
                self.records
                    .iter()
                    .filter(|r| r.parent == Some(row.record.id) && r.id != row.record.id)
                    .map(|record| Row { record, depth: row.depth + 1 }),
            );
        }
        rows
    }
}

/// `$$.Map.Item` for a re-run of the state visit entered by event `entered_id`: its innermost
/// Map iteration's index and the item at that index of what the Map's `ItemsPath` selected
/// (the Map's latest visit before it, as the data flow recorded it). `None` outside a Map, or
/// when the data flow has no items (JSONata `Items`, an `ItemReader`, a visit not recorded).
pub fn map_item_of(
    flow: &asl::runner::DataFlow,
    entered_id: u64,
) -> Option<(usize, serde_json::Value)> {
    use asl::runner::LaneKind;
    let visit = flow.visits.iter().find(|v| v.entered_event_id == entered_id)?;
    let lane = visit.lanes.iter().rev().find(|l| l.kind == LaneKind::Iteration)?;
    let map = flow
        .visits
        .iter()
        .filter(|v| v.state == lane.state && v.entered_event_id < entered_id)
        .max_by_key(|v| v.entered_event_id)?;
    let item = map.trace.after_items_path.as_ref()?.as_array()?.get(lane.index)?;
    Some((lane.index, item.clone()))
}

/// What "Re-run from here" starts: the original's recipe at `state`, with the given input,
/// the variables the original had there, and the chosen mock test case.
pub fn rerun_recipe(
    original: &RunRecipe,
    start: RecipeStart,
    input: serde_json::Value,
    test_case: Option<String>,
    start_time_ms: i64,
    execution_name: String,
) -> RunRecipe {
    RunRecipe {
        definition: original.definition.clone(),
        input,
        mock_config: original.mock_config.clone(),
        test_case,
        seed: start_time_ms as u64,
        start_time_ms,
        execution_name,
        start_at: Some(start),
        stop: None,
        redrives: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn recipe(name: &str, start_time_ms: i64) -> RunRecipe {
        RunRecipe {
            definition: "{}".into(),
            input: json!({}),
            mock_config: None,
            test_case: None,
            seed: start_time_ms as u64,
            start_time_ms,
            execution_name: name.into(),
            start_at: None,
            stop: None,
            redrives: Vec::new(),
        }
    }

    fn record(id: u64, parent: Option<u64>) -> Record {
        Record {
            id,
            recipe: recipe(&format!("run-{id}"), 1_000 * id as i64),
            parent,
            status: None,
            end_ms: None,
            source: None,
        }
    }

    #[test]
    fn keeps_the_last_fifty() {
        let mut list = ExecutionList::default();
        for id in 1..=55 {
            list.push(record(id, None));
        }
        assert_eq!(list.records.len(), KEEP);
        assert_eq!(list.records.first().map(|r| r.id), Some(6));
        assert_eq!(list.next_id(), 56);
    }

    #[test]
    fn rows_put_re_runs_under_their_original_newest_first() {
        let mut list = ExecutionList::default();
        list.push(record(1, None));
        list.push(record(2, None));
        list.push(record(3, Some(1)));
        list.push(record(4, Some(3)));
        list.push(record(5, Some(1)));
        let rows: Vec<(u64, usize)> = list.rows().iter().map(|r| (r.record.id, r.depth)).collect();
        assert_eq!(rows, vec![(2, 0), (1, 0), (5, 1), (3, 1), (4, 2)]);
        // Deleting an original lifts its re-runs to the top level.
        list.remove(1);
        let rows: Vec<(u64, usize)> = list.rows().iter().map(|r| (r.record.id, r.depth)).collect();
        assert_eq!(rows, vec![(5, 0), (3, 0), (4, 1), (2, 0)]);
    }

    #[test]
    fn the_list_round_trips_through_json_and_damage_gives_an_empty_list() {
        let mut list = ExecutionList::default();
        let mut done = record(1, None);
        done.finish(Status::Aborted, 2_500, Some(RecipeStop { after_events: 6, at_ms: 2_500 }));
        list.push(done);
        list.push(record(2, Some(1)));
        assert_eq!(ExecutionList::from_json(&list.to_json()), list);
        assert_eq!(ExecutionList::from_json("{not json"), ExecutionList::default());
        let first = list.get(1).cloned();
        assert_eq!(first.as_ref().map(Record::status_label), Some("Aborted"));
        assert_eq!(first.as_ref().and_then(Record::duration_ms), Some(1_500));
        assert_eq!(first.and_then(|r| r.recipe.stop).map(|s| s.after_events), Some(6));
    }

    #[test]
    fn names_are_generated_like_the_console_and_checked_like_aws() {
        let mut list = ExecutionList::default();
        let name = list.generate_name(42);
        assert_eq!(name.len(), 36);
        assert_eq!(name, ExecutionList::default().generate_name(42), "seeded");
        list.push(Record { recipe: recipe(&name, 0), ..record(1, None) });
        assert_ne!(list.generate_name(42), name, "a taken name is not given again");
        let taken = |n: &str| list.has_name(n);
        assert_eq!(check_name("my-run_1", taken), Ok(()));
        assert!(check_name("", taken).unwrap_err().starts_with("InvalidName"));
        assert!(check_name(&"x".repeat(81), taken).unwrap_err().starts_with("InvalidName"));
        assert!(check_name("a b", taken).unwrap_err().starts_with("InvalidName"));
        assert!(check_name("a/b", taken).unwrap_err().starts_with("InvalidName"));
        assert!(check_name(&name, taken).unwrap_err().starts_with("ExecutionAlreadyExists"));
    }

    #[test]
    fn a_redrive_reopens_the_record_and_its_stop_belongs_to_the_redriven_attempt() {
        let mut record = record(1, None);
        let first = RecipeStop { after_events: 6, at_ms: 1_500 };
        record.finish(Status::Aborted, 1_500, Some(first));
        record.redriven(Record::redrive_of(9_000, "mocks", Some("T".into())));
        assert_eq!(record.status_label(), "Running");
        assert_eq!(record.end_ms, None);
        let again = RecipeStop { after_events: 12, at_ms: 9_500 };
        record.finish(Status::Aborted, 9_500, Some(again));
        assert_eq!(record.recipe.stop, Some(first));
        let redrive = record.recipe.redrives.first().cloned();
        assert_eq!(redrive.as_ref().and_then(|r| r.stop), Some(again));
        assert_eq!(
            redrive.and_then(|r| r.mocks),
            Some((Some("mocks".to_string()), Some("T".to_string())))
        );
        // No mock configuration: no test case either.
        let bare = Record::redrive_of(9_000, "  ", Some("T".into()));
        assert_eq!(bare.mocks, Some((None, None)));
        record.redriven(bare);
        record.finish(Status::Succeeded, 10_000, None);
        assert_eq!(record.duration_ms(), Some(9_000));
        assert_eq!(record.recipe.redrives.len(), 2);
    }

    #[test]
    fn durations_read_like_the_console() {
        assert_eq!(format_duration(4_000), "4 s");
        assert_eq!(format_duration(1_250), "1.250 s");
        assert_eq!(format_duration(184_000), "3 min 4 s");
    }

    #[test]
    fn a_state_in_a_map_iteration_gets_its_item() {
        let definition = include_str!("../../examples/map.asl.json");
        let input: serde_json::Value =
            serde_json::from_str(include_str!("../../examples/map.input.json")).unwrap_or_default();
        let view =
            crate::run::start(definition, &input, "", None).unwrap_or_else(|e| panic!("{e}"));
        let runs = view.state_detail("Label line").runs;
        let items: Vec<_> =
            runs.iter().filter_map(|r| map_item_of(&view.data_flow, r.entered_id)).collect();
        let mut indices: Vec<usize> = items.iter().map(|(i, _)| *i).collect();
        indices.sort_unstable();
        assert_eq!(indices, [0, 1, 2]);
        for (index, item) in &items {
            assert_eq!(Some(item), input["lines"].get(*index));
        }
        let outside = view.state_detail("Count lines").latest().map(|r| r.entered_id);
        assert_eq!(outside.and_then(|id| map_item_of(&view.data_flow, id)), None);
    }

    #[test]
    fn a_re_run_keeps_the_definition_and_mocks_and_starts_at_the_state() {
        let mut original = recipe("orig", 5);
        original.mock_config = Some("mocks".into());
        original.stop = Some(RecipeStop { after_events: 3, at_ms: 9 });
        let start = RecipeStart {
            state: "Call API".into(),
            variables: serde_json::Map::new(),
            map_item: None,
        };
        let rerun = rerun_recipe(
            &original,
            start.clone(),
            json!({"statuscode": "200"}),
            Some("T".into()),
            77,
            "again".into(),
        );
        assert_eq!(rerun.start_at, Some(start));
        assert_eq!(rerun.mock_config.as_deref(), Some("mocks"));
        assert_eq!(rerun.stop, None);
        assert_eq!((rerun.seed, rerun.start_time_ms), (77, 77));
    }
}
