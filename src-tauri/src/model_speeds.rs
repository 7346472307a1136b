//! Model speeds on this device: measured in the background once the engine has started (or
//! read from their file in SRView's data folder), watched by the model picker, and the default
//! model that follows from them. The models folder is created when the user opens it.

use std::path::PathBuf;

use serde::Serialize;
use srview_core::models::speed::{self, ModelSpeed};
use srview_core::{Engine, SrError};
use tokio::sync::watch;

use crate::error::{blocking, AppResult};

/// Where the measuring stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SpeedsState {
    /// Not measured in this run (`SRVIEW_MEASURE_MODELS=0`, or no data folder).
    Off,
    /// Waiting for the engine.
    Waiting,
    Measuring,
    Measured,
    Failed,
}

/// What the model picker shows: each model's seconds for a typical page, as far as known.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelSpeeds {
    pub state: SpeedsState,
    /// Networks measured so far, of `total`.
    pub done: u32,
    pub total: u32,
    pub speeds: Vec<ModelSpeed>,
    /// Read from the file kept from an earlier run on this device.
    pub from_file: bool,
    pub problem: Option<String>,
    /// The page the seconds are for (about 2 MP).
    pub page_width: u32,
    pub page_height: u32,
}

impl ModelSpeeds {
    fn new(state: SpeedsState) -> Self {
        let (page_width, page_height) = speed::TYPICAL_PAGE;
        ModelSpeeds {
            state,
            done: 0,
            total: 0,
            speeds: Vec::new(),
            from_file: false,
            problem: None,
            page_width,
            page_height,
        }
    }
}

/// The speeds, and where they are kept (`None`: not measured in this run).
pub struct SpeedsWatch {
    file: Option<PathBuf>,
    speeds: watch::Sender<ModelSpeeds>,
}

/// The models the engine can run here (installed, runnable on the device), without TTA twins.
fn usable_models(engine: &Engine) -> Vec<String> {
    let cpu_mode = engine.report().cpu_mode;
    let runs = |m: &&srview_core::ModelInfo| m.installed && !m.tta && (!cpu_mode || m.runs_on_cpu);
    engine.catalogue().models.iter().filter(runs).map(|m| m.name.clone()).collect()
}

impl SpeedsWatch {
    pub fn new(file: Option<PathBuf>) -> Self {
        let state = if file.is_some() { SpeedsState::Waiting } else { SpeedsState::Off };
        SpeedsWatch { file, speeds: watch::channel(ModelSpeeds::new(state)).0 }
    }

    pub fn subscribe(&self) -> watch::Receiver<ModelSpeeds> {
        self.speeds.subscribe()
    }

    /// Reads the speeds from their file, or measures them through the engine as idle jobs (a
    /// page the reader waits for goes first); reports each step.
    pub async fn measure(&self, engine: Engine) {
        let Some(file) = self.file.clone() else { return };
        self.speeds.send_modify(|s| s.state = SpeedsState::Measuring);
        let progress = |done: usize, total: usize| {
            self.speeds.send_modify(|s| {
                s.done = done as u32;
                s.total = total as u32;
            })
        };
        match engine.model_speeds(file, usable_models(&engine), progress).await {
            Ok(found) => self.speeds.send_modify(|s| {
                s.state = SpeedsState::Measured;
                s.speeds = found.table.speeds;
                s.from_file = !found.measured;
            }),
            Err(err) => {
                tracing::warn!(%err, "model speeds could not be measured");
                self.speeds.send_modify(|s| {
                    s.state = SpeedsState::Failed;
                    s.problem = Some(err.to_string());
                });
            }
        }
    }

    /// The model to use: `chosen` if the user chose one that runs here, else the best that
    /// keeps up with reading (`keep_up_seconds` per page); see `speed::choose_model`.
    pub fn default_model(&self, engine: &Engine, chosen: Option<&str>, keep_up_seconds: f64) -> Option<String> {
        speed::choose_model(chosen, &usable_models(engine), &self.speeds.borrow().speeds, keep_up_seconds)
    }
}

/// Creates the models folder when it is the default one and missing (a folder the user chose
/// must exist); returns it. Nothing else is written.
pub async fn open_models_folder(engine: &Engine) -> AppResult<String> {
    let dir = engine.models_dir().ok_or_else(|| SrError::ModelsDirMissing("no models folder is set".into()))?;
    let shown = dir.display().to_string();
    blocking(move || srview_core::models::custom::prepare_models_dir(&dir)).await??;
    Ok(shown)
}
