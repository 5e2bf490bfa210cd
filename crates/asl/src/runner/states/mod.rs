//! One module per state type. Each runs its state when the frame enters it and leaves through
//! `flow` (or fails through `retry_catch`); none calls another state type's module, except
//! Map, which uses the Distributed Map's reader and writer.

pub(in crate::runner) mod choice;
pub(in crate::runner) mod distributed_map;
pub(in crate::runner) mod map;
pub(in crate::runner) mod parallel;
pub(in crate::runner) mod pass;
pub(in crate::runner) mod succeed_fail;
pub(in crate::runner) mod task;
pub(in crate::runner) mod wait;
