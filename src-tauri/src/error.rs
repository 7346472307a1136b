//! Errors as the frontend sees them: `{kind, message}`.

use serde::ser::SerializeStruct;
use srview_core::SrError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Engine(#[from] SrError),
    /// The engine could not start; `kind` is the start error's kind.
    #[error("{message}")]
    Unavailable { kind: String, message: String },
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("{0} was not opened in SRView; open it (or its folder) first")]
    NotOpened(String),
    #[error("{0} was not chosen in a save dialog; SRView only writes files the user picked")]
    SavePathNotChosen(String),
    #[error("{0} was not chosen as the models folder; choose it in Settings, where SRView asks for the folder itself")]
    ModelsDirNotChosen(String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("Something went wrong inside SRView (please report it). Detail: internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn kind(&self) -> &str {
        match self {
            AppError::Engine(err) => err.kind(),
            AppError::Unavailable { kind, .. } => kind,
            AppError::InvalidArgument(_) => "invalid_argument",
            AppError::NotOpened(_) => "not_opened",
            AppError::SavePathNotChosen(_) => "save_path_not_chosen",
            AppError::ModelsDirNotChosen(_) => "models_dir_not_chosen",
            AppError::NotFound(_) => "not_found",
            AppError::Internal(_) => "internal",
        }
    }
}

impl serde::Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("AppError", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// The TypeScript shape of `AppError`: the same `{kind, message}` as the engine's errors.
impl specta::Type for AppError {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        srview_core::error::ErrorPayload::definition(types)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Core's `blocking`, with the app's error: a panic there is an `internal` error.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    Ok(srview_core::sync::blocking(f).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_worker_is_an_internal_error() {
        let err = blocking(|| -> u32 { panic!("worker bug") }).await.unwrap_err();
        assert_eq!(err.kind(), "internal");
        assert!(err.to_string().contains("worker"), "{err}");
    }
}
