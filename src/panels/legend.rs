//! How a state's status is shown: the AWS console's legend (labels and CSS classes) for the
//! statuses the engine's history reader (`asl::history::reader`) derives. Presentation only:
//! the history is interpreted in the engine.

use asl::history::reader::StateStatus;

/// Label and CSS class of a [`StateStatus`].
pub trait Legend {
    fn label(self) -> &'static str;
    fn css(self) -> &'static str;
}

impl Legend for StateStatus {
    fn label(self) -> &'static str {
        match self {
            StateStatus::InProgress => "In progress",
            StateStatus::Succeeded => "Succeeded",
            StateStatus::Failed => "Failed",
            StateStatus::CaughtError => "Caught error",
            StateStatus::Cancelled => "Cancelled",
        }
    }

    fn css(self) -> &'static str {
        match self {
            StateStatus::InProgress => "in-progress",
            StateStatus::Succeeded => "succeeded",
            StateStatus::Failed => "failed",
            StateStatus::CaughtError => "caught-error",
            StateStatus::Cancelled => "cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_classes() {
        assert_eq!(StateStatus::CaughtError.label(), "Caught error");
        assert_eq!(StateStatus::InProgress.css(), "in-progress");
    }
}
