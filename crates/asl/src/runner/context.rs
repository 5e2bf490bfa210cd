//! The Context object (`$$`): what an execution knows about itself at a given state.

use serde_json::{json, Value};

use super::{Execution, FrameId};
use crate::time::format_millis;

impl Execution {
    /// `$$` for frame `fid` at its current state; `null` when the state never reads it (see
    /// `State::uses_context`), which keeps large execution inputs from being copied per state.
    pub(crate) fn context(&self, fid: FrameId) -> Value {
        let frame = &self.frames[fid];
        let needed = frame.state_def().is_none_or(|s| s.uses_context);
        if !needed {
            return Value::Null;
        }
        self.full_context(fid)
    }

    /// `$$` for frame `fid`, always built.
    pub(crate) fn full_context(&self, fid: FrameId) -> Value {
        if let Some(given) = self.one_state.as_ref().and_then(|o| o.context.as_ref()) {
            return given.clone();
        }
        let frame = &self.frames[fid];
        let mut ctx = json!({
            "Execution": {
                "Id": self.config.execution_arn(),
                "Input": self.config.input,
                "StartTime": format_millis(self.config.start_time_ms),
                "Name": self.config.execution_name,
                "RoleArn": self.config.role_arn,
                // The developer guide's context object; 0 and no RedriveTime before any
                // redrive (runner::redrive).
                "RedriveCount": self.redrive_count()
            },
            "StateMachine": {
                "Id": self.config.state_machine_arn(),
                "Name": self.config.state_machine_name
            },
            "State": {
                "EnteredTime": format_millis(frame.entered_ms),
                "Name": &*frame.state,
                "RetryCount": frame.retry_total
            }
        });
        if let Some(at) = self.redrive_time_ms() {
            ctx["Execution"]["RedriveTime"] = Value::String(format_millis(at));
        }
        if let Some(token) = &frame.task_token {
            ctx["Task"] = json!({"Token": token});
        }
        if let Some((index, value)) = self.map_item(fid) {
            ctx["Map"] = json!({"Item": {"Index": index, "Value": value}});
        }
        ctx
    }

    /// The nearest enclosing Map iteration's item.
    fn map_item(&self, fid: FrameId) -> Option<(usize, Value)> {
        self.frames[fid].map_item.clone()
    }

    /// A task token for `.waitForTaskToken` resources, deterministic per execution.
    pub(crate) fn task_token(&mut self) -> String {
        let a = self.random.next_u64();
        let b = self.random.next_u64();
        let token = format!("AQB{a:016x}{b:016x}");
        self.callbacks.issue(&token);
        token
    }

    /// A request id shaped like AWS's (a UUID), deterministic per execution.
    pub(crate) fn request_id(&mut self) -> String {
        self.random.uuid_v4()
    }
}
