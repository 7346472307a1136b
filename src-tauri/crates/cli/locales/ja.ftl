# srview の出力（日本語）。メッセージは en.ftl と同じ。

## Times and sizes
unknown-date = 日付不明
just-now = たった今
minutes-ago = { $count } 分前
hours-ago = { $count } 時間前
days-ago = { $count } 日前
progress-pages = ページ
rate = 毎分 { $rate } ページ、残り約 { $left } 秒

## Errors
error-line = srview: エラー [{ $kind }]: { $message }
error-detail = { $sentence } 詳細: { $detail }
interrupted = srview: 中断しました。実行中のタイルが終わりしだい止めます（もう一度 Ctrl-C ですぐに終了）
interrupted-again = srview: 再び中断しました。実行中のタイルを待たずにすぐ終了します（後処理は省略）

## srview gpus
software-vulkan = ソフトウェア Vulkan
gpu = GPU
cores = { $count } コア
in-use = {"  "}<- 使用中
no-vulkan-devices = Vulkan デバイスがありません
cpu-mode-threads = CPU モード、{ $cores } コアで { $threads } スレッド
why = 理由: { $reason }
versions = sr_vulkan { $sr_vulkan }、Python { $python }

## srview models
models-header-model = モデル
models-header-family = 系統
models-header-scale = 倍率
models-header-installed = インストール
models-header-cpu = CPU
broken = 破損
yes = はい
no = いいえ
custom-models = カスタムモデル: { $what }

## srview cache
cache-stats = { $entries } 項目、{ $mib } MiB（{ $root }）
    最も古い使用: { $oldest }
    最も新しい使用: { $newest }
cache-removed = { $entries } 項目、{ $bytes } バイトを削除しました

## srview doctor
doctor-fix = 対処: { $fix }
doctor-python = Python { $version }（{ $venv }）
doctor-sr-vulkan = sr_vulkan { $version }（{ $device }）
doctor-installed = インストール済み
doctor-missing = 見つかりません
doctor-optional = 未インストール（任意）
doctor-onnxruntime = onnxruntime { $version }（カスタム .onnx モデル用）
doctor-no-onnxruntime = 未インストール（任意: カスタム .onnx モデルに必要）
doctor-no-vulkan = Vulkan デバイスなし。CPU モード

## srview upscale: a line for each page
page-in-book = { $path }（{ $pages } ページ中 { $added } ページ目。最後のページとともに書き出し）
page-written = { $path }（書き出し済み）
the-cache = キャッシュ
page-computed = { $input } -> { $output }
page-cached = { $input } -> { $output }（キャッシュ）
page-skipped = { $input } はスキップ: { $output } が既にあります（--overwrite で置き換え）
page-failed = { $input } 失敗 [{ $kind }]: { $error }
page-kept = { $input } -> { $output }（そのまま: { $reason }）
page-cancelled = { $input } はキャンセルされました
page-rule = { $line } [{ $model }、ルール「{ $rule }」]
kept-by-rule = ルール「{ $rule }」により高画質化しません
rule-alreadyLargeEnough = すでに十分な大きさ
rule-blackAndWhitePages = 白黒のページ
rule-colourPages = カラーのページ
page-book-not-written = { $line }。{ $path } は書き出されません
page-not-exported = { $input }: 書き出されません。{ $path } は書き出されません（一部のページが失敗）

## srview upscale: the summary
kept-pages = { $count ->
    [0] {""}
   *[other] 、そのまま { $count }
}
damaged-books = { $count ->
    [0] {""}
   *[other] 、壊れたブック { $count } 冊
}
summary = { $total } ページ: 新たに処理 { $computed }、キャッシュから { $cached }、スキップ（既存）{ $skipped }{ $kept }、失敗 { $failed }{ $damaged }、{ $seconds } 秒
nothing-needed = 処理が必要なページはありませんでした
summary-no-pages = アップスケールしたページはありません: { $failed ->
    [0] 読めるページがありませんでした
   *[other] 失敗した入力 { $failed }
    }{ $damaged }、{ $seconds } 秒
summary-failed = 失敗: { $input } [{ $kind }]: { $error }
summary-damaged = 破損: { $error }
summary-interrupted = 中断しました。同じコマンドをもう一度実行すると続きから再開します

## srview compare
psnr = PSNR { $db } dB（{ $width }×{ $height } 全体）。最も悪い { $block }×{ $block } ブロックは { $x },{ $y } で { $worst } dB
identical = 同一（{ $width }×{ $height }）

## srview stats
stats-engine = エンジン: sr_vulkan { $version }（{ $device }）、起動 { $ms } ms（{ $steps }）、常駐メモリーの増加 { $mib } MiB
stats-memory = メモリー: 現在 { $now } MiB、最大 { $peak } MiB
stats-budget = 、割り当て { $mib } MiB
stats-used = 、使用 { $mib } MiB
stats-device = デバイス: { $name } ヒープ { $mib } MiB{ $budget }{ $used }
stats-requests = リクエスト: { $requests } 件（キャッシュから { $hits } 件、{ $rate } %）、毎分 { $pages } ページ
stats-stage = 段階
stats-count = 回数
stats-median = 中央値
stats-p95 = p95
stage-cache-lookup = キャッシュ確認
stage-check = 画像の確認
stage-queue-wait = 順番待ち
stage-compute = 高画質化
stage-write = 保存
stage-total = 合計
stats-model = { $model }: { $requests } 件、処理の中央値 { $median } ms、p95 { $p95 } ms

## Options refused
timeout-not-number = `{ $text }` は秒数ではありません
timeout-out-of-range = `{ $text }` はタイムアウトにできません。0 より大きく { $max } 以下の秒数を指定してください
o-names-unwritable = -o に .{ $extension } ファイルが指定されていますが、SRView が書き出せるのは webp、png、jpg です
o-format-mismatch = -o は .{ $named } ファイルですが、--format は { $asked } を指定しています
rules-need-auto = --rules は --model auto と一緒に使います
auto-chooses-scale = --model auto ではルールが倍率を決めます。--scale、--width、--height は指定しないでください
not-a-rules-file = { $file } はルールファイルではありません。詳細: { $error }
o-takes-one = -o に指定できるのはファイルかブック 1 つです。複数なら --out-dir を使ってください
no-cache-needs-output = { $flag } には -o か --out-dir が必要です。そうしないと結果がどこにも残りません
no-tiling-flag = --no-tiling（キャッシュを使わない）
compare-sizes = compare には同じサイズの画像を 2 つ指定してください。指定された画像は { $a } と { $b } です

## Error kinds
kind-python_unavailable = Python が使えません。
kind-sr_vulkan_missing = 高画質化エンジン（sr_vulkan）がインストールされていません。
kind-model_package_missing = このモデルのパッケージがインストールされていません。
kind-unknown_model = 不明なモデルです。
kind-models_dir_missing = モデルフォルダーがありません。
kind-custom_model_broken = カスタムモデルが使えません。
kind-bad_model_output = モデルの出力が使えない結果でした。
kind-unsupported_on_cpu = このモデルは CPU モードでは動きません。
kind-invalid_option = オプションが正しくありません。
kind-input_not_found = ファイルがありません。
kind-not_an_image = SRView が読める画像ではありません。
kind-corrupt_image = 画像が壊れているか、途中で切れています。
kind-image_too_large = 画像が大きすぎます。
kind-too_many_frames = アニメーションのフレーム数が多すぎます。
kind-file_too_large = ファイルが大きすぎます。
kind-skipped = 高画質化しませんでした。
kind-upscale_failed = このページを高画質化できませんでした。
kind-cancelled = リクエストはキャンセルされました。
kind-timeout = リクエストがタイムアウトしました。
kind-engine_unavailable = 高画質化エンジンが動いていません。
kind-corrupt_archive = ブックが壊れているか、SRView が読めるブックではありません。
kind-damaged_book = ブックが壊れています。
kind-unsupported_compression = SRView が読めない方式で圧縮されたブックです。
kind-missing_volume = 分割されたブックの一部が見つかりません。
kind-encrypted = ブックがパスワードで保護されています。
kind-no_pages = ブックに画像がありません。
kind-pdf_cut_short = PDF が途中で切れています。
kind-too_many_pages = ブックのページ数が多すぎます。
kind-unpacks_too_large = ブックを展開するとサイズに見合わないほど巨大になります。
kind-would_overwrite_source = 元画像を上書きすることはできません。
kind-output_exists = 出力先が既にあります。
kind-cache_root_refused = このフォルダーは SRView のキャッシュにできません。
kind-io = ファイルを読み書きできませんでした。
kind-python = 高画質化エンジンの Python コードでエラーが発生しました。
kind-out_of_memory = デバイスのメモリーが足りません。
kind-internal = SRView の内部で問題が発生しました（報告をお願いします）。

## srview --help
help-heading-usage = 使い方:
help-heading-arguments = 引数
help-heading-options = オプション
help-heading-commands = コマンド
help-help = ヘルプを表示
help-default = 既定
help-help-command = このメッセージ、または指定したコマンドのヘルプを表示
help-version = バージョンを表示
help-srview = sr_vulkan（waifu2x、Real-CUGAN、Real-ESRGAN、RealSR）で画像をアップスケールします
help-srview-json = 機械可読な JSON を標準出力に出力します。
help-srview-venv = sr-vulkan が入った venv（既定: $SRVIEW_VENV、$VIRTUAL_ENV、.venv の順）。
help-srview-gpu = デバイス: `srview gpus` の GPU 番号、CPU モードなら -1 または `cpu`、あるいは `auto`。
help-srview-cache = キャッシュフォルダー（既定: $XDG_CACHE_HOME/srview または ~/.cache/srview）。空・新規・SRView のキャッシュのいずれかである必要があります。SRView は自分が書いていないフォルダーを掃除しません。
help-srview-models_dir = カスタムアップスケーラー（.onnx モデルと .py プラグイン）のフォルダー。`custom:<ファイル名>` として使います（既定: $XDG_DATA_HOME/srview/models または ~/.local/share/srview/models）。
help-upscale = 画像や画像フォルダーをアップスケールします。入力がなければ同梱のサンプルを処理します。
help-upscale-inputs = 画像、フォルダー（サブフォルダーも読みます）、ブック（.cbz、.cbr、.cb7、.zip、.rar、.7z、.pdf）。
help-upscale-out = 出力ファイル（入力が 1 つのとき。ブックの出力先が .cbz で終われば .cbz になります）。
help-upscale-out_dir = 出力フォルダー。元のフォルダー構成をそのまま再現します。
help-upscale-cbz = 各ブックを 1 つの .cbz に書き出します（ページ順どおり、ComicInfo.xml などもそのまま）。
help-upscale-name = 出力ファイル名の形式: { "{name}" }、{ "{scale}" }、{ "{model}" }、{ "{ext}" }。
help-upscale-keep_names = 元の名前（新しい拡張子）のままにします。新しい --out-dir と一緒に使います。
help-upscale-overwrite = 既存の出力ファイルを置き換えます（既定では手を付けず、スキップとして報告します）。
help-upscale-model = モデル（`srview models` で一覧）、または `auto`: ルールがページごとにモデルと倍率を選びます（既定では白黒ページとカラーページにそれぞれ合ったモデルを使い、--target-height に届くよう 2× か 4× を選び、すでに十分高いページはアップスケールしません）。既定は高速な waifu2x anime（UpConv7）です。waifu2x CUNet はよりシャープですが約 3 倍遅くなります。
help-upscale-target_height = `--model auto` のとき: ルールが目指す高さ。
help-upscale-rules = `--model auto` のとき: 既定のルールの代わりに使うルールの JSON ファイル（{ "{" }"rules": [...], "targetHeight": N{ "}" }）。
help-upscale-scale = この倍率でアップスケールします（既定 2）。
help-upscale-width = この幅にアップスケールします（--height と一緒に）。
help-upscale-height = この高さにアップスケールします（--width と一緒に）。
help-upscale-tile = sr_vulkan のタイルサイズ。0 ならデバイスとモデルに最速のものを選びます。
help-upscale-no_tiling = タイルに分けず、各ページを sr_vulkan の 1 回の呼び出しで処理します（両者の比較用）。タイル処理の結果を持つキャッシュは読みも書きもしません。
help-upscale-tta = モデルの TTA 版を使います: わずかに良くなり、約 8 倍遅くなります。
help-upscale-format = webp、png、jpg。既定は -o の拡張子、なければ webp。
help-upscale-quality = WebP と JPEG の品質（0〜100）。
help-upscale-no_cache = キャッシュを読みも書きもしません。
help-upscale-max_pixels = この画素数を超える入力を拒否します（アニメーションは全フレームを合計）。
help-upscale-max_bytes = このバイト数を超える入力ファイル（とブックの項目）を、読む前に拒否します。
help-upscale-max_frames = これより多いフレームのアニメーションを拒否します。
help-upscale-max_decompressed_bytes = 展開したブックのデータを一度にメモリーに置くのはこのバイト数まで。
help-upscale-max_pages = これより多いページの PDF ブックを拒否します。
help-upscale-pdf_height = 1 枚の画像ではない PDF ページ（文字や図形）をこの高さ（ピクセル）で描画します。
help-upscale-timeout = 画像のアップスケールがこの秒数を超えたら諦めます（待ち時間は数えません）。
help-upscale-stats = 一括処理の後にエンジンの数値を表示します: 段階ごとの時間、キャッシュ命中率、メモリー。
help-gpus = Vulkan デバイスと使用中のデバイスを一覧表示します。
help-models = モデルを、系統・倍率・インストール済みかどうかと一緒に一覧表示します。
help-doctor = Python、sr_vulkan、モデルパッケージを確認し、それぞれの直し方を示します。
help-stats = エンジンを起動して数値を表示します: 起動の各段階、メモリー、デバイスのヒープ。
help-compare = 同じサイズの 2 枚の画像を比べます: 画像全体と最も悪い 64×64 ブロックの PSNR（例: タイル処理したページと 1 回の呼び出しで処理した同じページ）。
help-compare-a = 1 枚目の画像。
help-compare-b = 2 枚目の画像（同じサイズ）。
help-cache = キャッシュを調べる、または掃除します。
help-cache-stats = キャッシュの項目数とバイト数、最も古い項目と新しい項目。
help-cache-clean = 古さ（既定 30 日）、サイズ上限、またはすべてで項目を削除します。
help-cache-clean-max_age_days = この日数使われていない項目を削除します。
help-cache-clean-max_bytes = キャッシュがこのバイト数以下になるまで、最近使われていない項目から削除します。
help-cache-clean-all = すべての項目を削除します（SRView が書いていないファイルは決して削除しません）。
