//! `srview`: the SRView engine from the command line.

mod compare;
mod help;
mod i18n;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde::Serialize;
use srview_core::batch::{self, BatchSpec, Layout};
use srview_core::sync::blocking;
use srview_core::{
    CancellationToken, CleanPolicy, DeviceChoice, Engine, EngineConfig, Limits, ModelFamily, OutputFormat, Overwrite,
    SizeRequest, SrError, UpscaleOptions,
};

use output::Output;

// mimalloc returns freed page and tile buffers, where glibc's per-thread arenas kept growing
// (issue 22); the features build the others for the `books_batch` benchmark's comparison.
#[cfg(not(any(feature = "system-allocator", feature = "jemalloc")))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The command line; its help text is in the catalogues (`help.rs`).
#[derive(Parser)]
#[command(name = "srview", version)]
struct Cli {
    #[arg(long, global = true)]
    json: bool,
    #[arg(long, global = true, value_name = "DIR")]
    venv: Option<PathBuf>,
    #[arg(long, global = true, default_value = "auto", allow_negative_numbers = true, value_parser = parse_device)]
    gpu: DeviceChoice,
    #[arg(long, global = true, value_name = "DIR")]
    cache: Option<PathBuf>,
    #[arg(long, global = true, value_name = "DIR")]
    models_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Upscale(UpscaleArgs),
    Gpus,
    Models,
    Doctor,
    Stats,
    Compare {
        a: PathBuf,
        b: PathBuf,
    },
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
}

#[derive(Args)]
struct UpscaleArgs {
    inputs: Vec<PathBuf>,
    #[arg(short, long, conflicts_with = "out_dir")]
    out: Option<PathBuf>,
    #[arg(long)]
    out_dir: Option<PathBuf>,
    #[arg(long)]
    cbz: bool,
    #[arg(long, default_value = srview_core::batch::DEFAULT_PATTERN, conflicts_with = "keep_names")]
    name: String,
    #[arg(long)]
    keep_names: bool,
    #[arg(long)]
    overwrite: bool,
    #[arg(long, default_value = srview_core::models::speed::FAST_DEFAULT)]
    model: String,
    #[arg(long, default_value_t = srview_core::models::rules::DEFAULT_TARGET_HEIGHT, value_parser = clap::value_parser!(u32).range(1..))]
    target_height: u32,
    #[arg(long)]
    rules: Option<PathBuf>,
    #[arg(long, conflicts_with_all = ["width", "height"])]
    scale: Option<f64>,
    #[arg(long, requires = "height")]
    width: Option<u32>,
    #[arg(long, requires = "width")]
    height: Option<u32>,
    #[arg(long, default_value_t = 0)]
    tile: u32,
    #[arg(long)]
    no_tiling: bool,
    #[arg(long)]
    tta: bool,
    #[arg(long)]
    format: Option<OutputFormat>,
    #[arg(long, default_value_t = 90)]
    quality: u8,
    #[arg(long)]
    no_cache: bool,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_MAX_PIXELS, value_parser = clap::value_parser!(u64).range(1..))]
    max_pixels: u64,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_MAX_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    max_bytes: u64,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_MAX_FRAMES, value_parser = clap::value_parser!(u32).range(1..))]
    max_frames: u32,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_MAX_DECOMPRESSED_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    max_decompressed_bytes: u64,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_MAX_PAGES, value_parser = clap::value_parser!(u32).range(1..))]
    max_pages: u32,
    #[arg(long, default_value_t = srview_core::limits::DEFAULT_RENDER_HEIGHT, value_parser = clap::value_parser!(u32).range(1..=65535))]
    pdf_height: u32,
    #[arg(long, value_parser = parse_timeout)]
    timeout: Option<std::time::Duration>,
    #[arg(long)]
    stats: bool,
}

/// The longest `--timeout`: a week.
const MAX_TIMEOUT_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// A number of seconds above zero and at most a week; `nan`, infinities and `1e300` are refused.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| t!("timeout-not-number", text = text))?;
    if !(seconds > 0.0 && seconds <= MAX_TIMEOUT_SECONDS) {
        return Err(t!("timeout-out-of-range", text = text, max = MAX_TIMEOUT_SECONDS.to_string()));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

#[derive(Subcommand)]
enum CacheAction {
    Stats,
    Clean {
        #[arg(long, conflicts_with_all = ["max_bytes", "all"])]
        max_age_days: Option<u32>,
        #[arg(long, conflicts_with = "all")]
        max_bytes: Option<u64>,
        #[arg(long)]
        all: bool,
    },
}

fn parse_device(value: &str) -> Result<DeviceChoice, String> {
    value.parse().map_err(|e: SrError| e.to_string())
}

fn default_cache_root() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("srview")
}

fn main() -> ExitCode {
    // Parse first: clap prints help and usage errors to the real stdout and stderr.
    let cli = Cli::from_arg_matches(&help::localized(Cli::command()).get_matches()).unwrap_or_else(|e| e.exit());
    let out = Output::new(cli.json);
    let runtime = tokio::runtime::Runtime::new().expect("starting the tokio runtime");
    let code = runtime.block_on(run(cli, out.clone()));
    out.finish();
    ExitCode::from(code)
}

async fn run(cli: Cli, out: Output) -> u8 {
    let interrupted = CancellationToken::new();
    watch_signals(interrupted.clone(), out.clone());
    let cache_root = cli.cache.clone().unwrap_or_else(default_cache_root);
    let result = match &cli.command {
        Command::Cache { action } => cache_command(action, cache_root, &out),
        Command::Doctor => return doctor(&cli, &out).await,
        Command::Compare { a, b } => compare::compare(a, b).map(|comparison| {
            out.comparison(&comparison);
            0
        }),
        Command::Gpus | Command::Models | Command::Stats | Command::Upscale(_) => {
            let mut config = EngineConfig { venv: cli.venv.clone(), device: cli.gpu, ..EngineConfig::default() };
            if let Some(dir) = &cli.models_dir {
                config.models_dir = Some(dir.clone());
            }
            if let Command::Upscale(args) = &cli.command {
                config.cache_root = (!args.no_cache && !args.no_tiling).then_some(cache_root);
                config.tiling = !args.no_tiling;
                config.limits = Limits {
                    max_bytes: args.max_bytes,
                    max_pixels: args.max_pixels,
                    max_frames: args.max_frames,
                    max_decompressed_bytes: args.max_decompressed_bytes,
                    max_pages: args.max_pages,
                    render_width: u32::MAX,
                    render_height: args.pdf_height,
                };
                config.timeout = args.timeout;
                if let Some(limit) = config.timeout {
                    config.custom_call_limit = limit;
                }
            }
            match blocking(move || Engine::start(config)).await.and_then(|started| started) {
                Err(err) => Err(err),
                Ok(engine) => {
                    let code = match &cli.command {
                        Command::Gpus => {
                            out.gpus(engine.report());
                            Ok(0)
                        }
                        Command::Models => {
                            let engine = engine.clone();
                            blocking(move || engine.models()).await.map(|listing| {
                                out.models(&listing);
                                // A folder the user named must exist; the default one may not yet.
                                u8::from(cli.models_dir.is_some() && listing.models_dir_problem.is_some())
                            })
                        }
                        Command::Stats => {
                            let memory = {
                                let engine = engine.clone();
                                blocking(move || engine.device_memory()).await.ok().and_then(Result::ok)
                            };
                            out.stats(engine.report(), &engine.stats(), memory.as_deref());
                            Ok(0)
                        }
                        Command::Upscale(args) => Ok(upscale(&engine, args, &out, &interrupted).await),
                        Command::Cache { .. } | Command::Doctor | Command::Compare { .. } => {
                            unreachable!("handled above")
                        }
                    };
                    stop(&engine).await;
                    code
                }
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            out.error(&err);
            1
        }
    }
}

fn cache_command(action: &CacheAction, root: PathBuf, out: &Output) -> Result<u8, SrError> {
    let cache = srview_core::ResultCache::open(root)?;
    match action {
        CacheAction::Stats => out.cache_stats(&cache.stats()),
        CacheAction::Clean { max_age_days, max_bytes, all } => {
            let policy = match (all, max_bytes, max_age_days) {
                (true, _, _) => CleanPolicy::All,
                (_, Some(bytes), _) => CleanPolicy::MaxBytes { bytes: *bytes },
                (_, _, days) => CleanPolicy::MaxAge { days: days.unwrap_or(30) },
            };
            out.clean_report(&cache.clean(policy));
        }
    }
    Ok(0)
}

fn bundled_sample() -> PathBuf {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().skip(1).take(5).map(|d| d.join("samples")).find(|d| d.is_dir()));
    beside_exe.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples"))
}

/// The format asked for, else the one `-o` names, else WebP; `-o page.png --format jpg` is
/// refused rather than writing JPEG into a `.png`.
fn output_format(args: &UpscaleArgs) -> Result<OutputFormat, SrError> {
    let extension = args.out.as_deref().and_then(|out| out.extension()?.to_str());
    let named = extension.and_then(|extension| extension.parse::<OutputFormat>().ok());
    if let Some(extension) = extension.filter(|_| named.is_none()) {
        if srview_core::books::naming::IMAGE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()) {
            return Err(SrError::InvalidOption(t!("o-names-unwritable", extension = extension)));
        }
    }
    match (args.format, named) {
        (Some(asked), Some(named)) if asked != named => {
            Err(SrError::InvalidOption(t!("o-format-mismatch", named = named.extension(), asked = asked.extension())))
        }
        (asked, named) => Ok(asked.or(named).unwrap_or_default()),
    }
}

/// With `--model auto`: the rules from `--rules`, or the default ones towards `--target-height`.
async fn use_model_rules(engine: &Engine, args: &UpscaleArgs) -> Result<(), SrError> {
    use srview_core::models::rules::{self, ModelRules};
    if !rules::is_auto(&args.model) {
        return match &args.rules {
            Some(_) => Err(SrError::InvalidOption(t!("rules-need-auto"))),
            None => Ok(()),
        };
    }
    if args.scale.is_some() || args.width.is_some() {
        return Err(SrError::InvalidOption(t!("auto-chooses-scale")));
    }
    let rules = match &args.rules {
        None => ModelRules { rules: rules::default_rules(), target_height: args.target_height },
        Some(file) => {
            let text = tokio::fs::read_to_string(file)
                .await
                .map_err(|source| SrError::Io { path: file.display().to_string(), source })?;
            serde_json::from_str(&text).map_err(|e| {
                SrError::InvalidOption(t!("not-a-rules-file", file = file.display().to_string(), error = e.to_string()))
            })?
        }
    };
    crate::i18n::use_rule_names(&rules);
    engine.set_model_rules(rules);
    Ok(())
}

async fn upscale(engine: &Engine, args: &UpscaleArgs, out: &Output, interrupted: &CancellationToken) -> u8 {
    let inputs = if args.inputs.is_empty() { vec![bundled_sample()] } else { args.inputs.clone() };
    if args.out.is_some() && (inputs.len() != 1 || inputs[0].is_dir()) {
        out.error(&SrError::InvalidOption(t!("o-takes-one")));
        return 2;
    }
    if (args.no_cache || args.no_tiling) && args.out.is_none() && args.out_dir.is_none() {
        let flag = if args.no_cache { "--no-cache".to_owned() } else { t!("no-tiling-flag") };
        out.error(&SrError::InvalidOption(t!("no-cache-needs-output", flag = flag)));
        return 2;
    }
    let format = match output_format(args) {
        Ok(format) => format,
        Err(err) => {
            out.error(&err);
            return 2;
        }
    };
    if let Err(err) = use_model_rules(engine, args).await {
        out.error(&err);
        return 2;
    }
    let size = match (args.scale, args.width, args.height) {
        (_, Some(width), Some(height)) => SizeRequest::Target { width, height },
        (scale, _, _) => SizeRequest::Scale { factor: scale.unwrap_or(2.0) },
    };
    let options = UpscaleOptions {
        model: args.model.clone(),
        size,
        tile_size: args.tile,
        tta: args.tta,
        gpu_id: None,
        format,
        webp_quality: args.quality,
    };
    let pattern = if args.keep_names { batch::KEEP_NAMES.to_owned() } else { args.name.clone() };
    let spec = BatchSpec {
        inputs,
        output: args.out.clone().or_else(|| args.out_dir.clone()),
        layout: if args.cbz { Layout::Cbz { pattern } } else { Layout::Files { pattern } },
        options,
        overwrite: if args.overwrite { Overwrite::Replace } else { Overwrite::Never },
        window: 0,
    };
    let plan = match batch::plan_for(engine, &spec).await {
        Ok(plan) => plan,
        Err(err) => {
            out.error(&err);
            return if matches!(err, SrError::Internal(_)) { 1 } else { 2 };
        }
    };
    let bar = out.progress_bar(plan.len() as u64);
    let summary = batch::run(engine, plan, &spec, interrupted.clone(), |page, progress| {
        bar.set_position(progress.done as u64);
        bar.set_message(output::describe_rate(progress));
        out.page(page);
    })
    .await;
    bar.finish_and_clear();
    let stats = args.stats.then(|| engine.stats());
    // What the GPU holds after the batch (ncnn keeps its pools): with --stats, and not in CPU
    // mode, where no device memory was used.
    let memory = match args.stats && !engine.report().cpu_mode {
        true => {
            let engine = engine.clone();
            blocking(move || engine.device_memory()).await.ok().and_then(Result::ok)
        }
        false => None,
    };
    out.summary(&summary, stats.as_ref(), memory.as_deref());
    if let Some(stats) = &stats {
        out.batch_stats(engine.report(), stats, memory.as_deref());
    }
    if summary.cancelled {
        stop(engine).await;
        return 130;
    }
    u8::from(!summary.failures.is_empty())
}

/// Ctrl-C and SIGTERM cancel the work; the caller then stops sr_vulkan and exits 130. A second
/// one leaves at once, without waiting for the job sr_vulkan is running.
fn watch_signals(interrupted: CancellationToken, out: Output) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt()).expect("installing the SIGINT handler");
    let mut term = signal(SignalKind::terminate()).expect("installing the SIGTERM handler");
    tokio::spawn(async move {
        for round in 0..2 {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            if round == 0 {
                out.message(&t!("interrupted"));
                interrupted.cancel();
            } else {
                out.message(&t!("interrupted-again"));
                // SAFETY: ends the process at once. The library's static destructors, which
                // hang without stop(), are skipped along with everything else.
                unsafe { libc::_exit(130) };
            }
        }
    });
}

#[derive(Serialize)]
pub struct Check {
    name: String,
    ok: bool,
    detail: String,
    fix: Option<String>,
}

async fn doctor(cli: &Cli, out: &Output) -> u8 {
    let mut checks = Vec::new();
    let config = EngineConfig { venv: cli.venv.clone(), device: cli.gpu, ..EngineConfig::default() };
    let started = blocking(move || Engine::start(config)).await.and_then(|started| started);
    match started {
        Err(err) => {
            let fix = match &err {
                SrError::PythonUnavailable { fix, .. } | SrError::SrVulkanMissing { fix, .. } => Some(fix.clone()),
                _ => None,
            };
            checks.push(Check { name: "sr_vulkan".into(), ok: false, detail: i18n::describe_error(&err), fix });
        }
        Ok(engine) => {
            let report = engine.report();
            checks.push(Check {
                name: "python".into(),
                ok: true,
                detail: t!("doctor-python", version = report.python_version.as_str(), venv = report.venv.as_str()),
                fix: None,
            });
            checks.push(Check {
                name: "sr_vulkan".into(),
                ok: true,
                detail: t!(
                    "doctor-sr-vulkan",
                    version = report.sr_vulkan_version.as_str(),
                    device = report.device_name.as_str()
                ),
                fix: None,
            });
            for family in [ModelFamily::Waifu2x, ModelFamily::Realcugan, ModelFamily::Realesrgan, ModelFamily::Realsr] {
                let installed = engine.catalogue().models.iter().any(|m| m.family == family && m.installed);
                let required = matches!(family, ModelFamily::Waifu2x | ModelFamily::Realcugan);
                checks.push(Check {
                    name: family.pip_package(),
                    ok: installed || !required,
                    detail: match (installed, required) {
                        (true, _) => t!("doctor-installed"),
                        (false, true) => t!("doctor-missing"),
                        (false, false) => t!("doctor-optional"),
                    },
                    fix: (!installed).then(|| srview_core::venv::install_hint(&family.pip_package())),
                });
            }
            let onnxruntime = srview_core::models::custom::onnxruntime_version();
            checks.push(Check {
                name: "onnxruntime".into(),
                ok: true,
                detail: match &onnxruntime {
                    Some(version) => t!("doctor-onnxruntime", version = version.as_str()),
                    None => t!("doctor-no-onnxruntime"),
                },
                fix: onnxruntime.is_none().then(|| srview_core::venv::install_hint("onnxruntime")),
            });
            let vulkan = if report.gpus.is_empty() {
                t!("doctor-no-vulkan")
            } else {
                report.gpus.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", ")
            };
            checks.push(Check { name: "vulkan".into(), ok: true, detail: vulkan, fix: None });
            stop(&engine).await;
        }
    }
    out.doctor(&checks);
    u8::from(checks.iter().any(|c| !c.ok))
}

/// Stops the engine's threads, off the runtime: the last tile may still be computing.
async fn stop(engine: &Engine) {
    let stopping = engine.clone();
    let _ = blocking(move || stopping.shutdown()).await;
}
