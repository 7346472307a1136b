//! Commands for `npm run bench:ipc` only (feature `ipc-bench`): the same file's bytes as a raw
//! `ipc::Response` and as a JSON number array, to compare with the `srimg:` protocol.

use tauri::ipc::Response;

#[tauri::command]
pub async fn bench_bytes_raw(path: String) -> Result<Response, String> {
    tokio::fs::read(path).await.map(Response::new).map_err(|e| e.to_string())
}

#[tauri::command]
pub async fn bench_bytes_json(path: String) -> Result<Vec<u8>, String> {
    tokio::fs::read(path).await.map_err(|e| e.to_string())
}
