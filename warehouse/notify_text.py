"""What notifications say, Japanese first and in English: one entry per event, each with the
title, what happened and what to do. Placeholders are filled by :mod:`warehouse.notify` with
values already made safe (control characters escaped, secrets removed)."""

from __future__ import annotations

LANGUAGES = ("ja", "en")

# Labels of the lines every message has.
LABELS: dict[str, dict[str, str]] = {
    "what": {"ja": "何が起きたか", "en": "What happened"},
    "file": {"ja": "ファイル", "en": "File"},
    "todo": {"ja": "すること", "en": "What to do"},
    "report": {"ja": "実行レポート", "en": "Run report"},
    "home": {"ja": "saihan のフォルダ", "en": "saihan home"},
}

EVENTS: dict[str, dict[str, dict[str, str]]] = {
    "file_rejected": {
        "title": {"ja": "ファイルを受け付けませんでした: {name}",
                  "en": "File rejected: {name}"},
        "what": {"ja": "{name} は読み込めないため隔離しました。何も読み込んでいません。"
                       "{where_ja}見つかったもの: {reason_ja}",
                 "en": "{name} could not be read and was put in quarantine; nothing of it was "
                       "loaded. {where_en}Found: {reason}"},
        "todo": {"ja": "{action_ja} 直したファイルを受信フォルダ（inbox）に置き直してください。"
                       "隔離レポート: {kept_report}",
                 "en": "{action} Then drop the corrected file into the inbox again. Quarantine "
                       "report: {kept_report}"},
    },
    "file_held": {
        "title": {"ja": "納品を保留しました（データが減るため）: {name}",
                  "en": "Delivery held (it would shrink its dataset): {name}"},
        "what": {"ja": "{name} は公開中のデータセット {dataset} を {rows_before} 行から "
                       "{rows_after} 行に減らすため、読み込まずに保留しました。理由: {reasons}",
                 "en": "{name} would shrink the published dataset {dataset} from {rows_before} "
                       "to {rows_after} rows, so it was held and not loaded. Why: {reasons}"},
        "todo": {"ja": "小さい納品が正しければ `saihan accept {kept}` で公開します。そうでなければ"
                       "提供元に完全なファイルを依頼してください。保留レポート: {kept_report}",
                 "en": "If the smaller delivery is right, `saihan accept {kept}` publishes it; "
                       "otherwise ask the sender for the full file. Held report: {kept_report}"},
    },
    "audit_failed": {
        "title": {"ja": "データテストが失敗し、公開を止めました",
                  "en": "A data test stopped the publish"},
        "what": {"ja": "実行 {run_id}（{trigger}）はデータテストに合格せず、何も公開していません。"
                       "閲覧者には前の版が表示されています。失敗した規則: {failures}",
                 "en": "Run {run_id} ({trigger}) failed its data tests and published nothing; "
                       "readers still see the previous version. Failed rules: {failures}"},
        "todo": {"ja": "実行レポートで規則と該当する行を確認し、原因の納品を直すか差し替えてから "
                       "`saihan run` を実行してください。",
                 "en": "Read the rule and the rows in the run report, correct or replace the "
                       "delivery that broke it, then run `saihan run`."},
    },
    "run_failed": {
        "title": {"ja": "実行が失敗しました（何も公開していません）",
                  "en": "A run failed (nothing was published)"},
        "what": {"ja": "実行 {run_id}（{trigger}）が失敗しました。公開中の倉庫はそのままです。"
                       "原因: {error}",
                 "en": "Run {run_id} ({trigger}) failed; the published warehouse is as it was. "
                       "Cause: {error}"},
        "todo": {"ja": "原因を取り除いてから `saihan run` を実行してください（次の実行が後始末を"
                       "します）。`saihan status` で直近の実行を確認できます。",
                 "en": "Remove the cause, then run `saihan run` (the next run cleans up after "
                       "this one). `saihan status` lists the last runs."},
    },
    "flow_failed": {
        "title": {"ja": "Prefect のフロー実行が失敗しました: {trigger}",
                  "en": "A Prefect flow run failed: {trigger}"},
        "what": {"ja": "saihan serve のフロー実行 {run_id}（{trigger}）が失敗しました。"
                       "それまでに公開したものは公開されたままです。原因: {error}",
                 "en": "The saihan serve flow run {run_id} ({trigger}) failed; what was "
                       "published before stays published. Cause: {error}"},
        "todo": {"ja": "原因を取り除いてください。次の定時実行でもう一度行います（すぐに行うには "
                       "Prefect の画面からフローを実行します）。",
                 "en": "Remove the cause; the next scheduled run tries again (to try at once, "
                       "run the flow from the Prefect UI)."},
    },
    "serve_stopped": {
        "title": {"ja": "saihan serve が停止しました", "en": "saihan serve stopped on its own"},
        "what": {"ja": "saihan serve が自ら停止しました。夜間実行と到着時の実行は行われません。"
                       "原因: {reason}",
                 "en": "saihan serve stopped on its own; no nightly or on-arrival run happens "
                       "until it is started again. Cause: {reason}"},
        "todo": {"ja": "ログ（{log}）を確認し、`saihan serve` を起動し直してください（systemd の "
                       "Restart=on-failure なら自動で再起動します）。",
                 "en": "Read the log ({log}) and start `saihan serve` again (under systemd with "
                       "Restart=on-failure it restarts by itself)."},
    },
    "source_late": {
        "title": {"ja": "納品が遅れています: {source_ja} {expected}（{count} 都道府県）",
                  "en": "Deliveries late: {source_en} {expected} ({count} prefectures)"},
        "what": {"ja": "{source_ja}の {expected} 分が、期限の {due} を過ぎても次の都道府県から"
                       "届いていません: {prefs_ja}",
                 "en": "{source_en} for {expected} was due by {due} and has not arrived from: "
                       "{prefs_en}"},
        "todo": {"ja": "提供元に納品を依頼し、届いたファイルを受信フォルダ（inbox）に"
                       "置いてください。データページの「納品状況」に 47 都道府県の一覧があります。"
                       "期限は "
                       "SAIHAN_LATE_AFTER_DAYS で変えられます。この通知は 1 回だけ送ります。",
                 "en": "Ask the senders for the delivery and drop it into the inbox. The data "
                       "page's delivery coverage shows all 47 prefectures. SAIHAN_LATE_AFTER_DAYS "
                       "sets the allowance. This notice is sent once."},
    },
}

EVENTS["extract_ready"] = {
    "title": {"ja": "{pref_ja}の抽出データを更新しました",
              "en": "{pref_en}: your prefecture's extract is ready"},
    "what": {"ja": "夜間の更新で{pref_ja}のデータが変わり、抽出データ（{tables}）を作り直しました"
                   "（データベースの版: {run_id}）。",
             "en": "Tonight's run changed {pref_en}'s data, and its extract ({tables}) was "
                   "written again (warehouse build {run_id})."},
    "todo": {"ja": "ダッシュボードの「都道府県別データ」のページから ZIP でダウンロードしてください"
                   "（サーバーでは {folder}）。配信の停止は運用担当者に連絡してください。",
             "en": "Download it as a ZIP from the dashboard's prefecture data page (on the "
                   "server: {folder}). To stop these messages, ask the operators."},
}

# The sources whose deliveries are expected (warehouse.expected), as messages name them.
SOURCE_LABELS: dict[str, dict[str, str]] = {
    "crime_open_data": {"ja": "犯罪オープンデータ（警察）", "en": "police crime open data"},
    "local_plans": {"ja": "地方再犯防止推進計画の策定状況", "en": "local-plan status"},
    "subsidy_records": {"ja": "地域再犯防止推進事業の実施状況", "en": "subsidy records"},
    "indicators": {"ja": "都道府県別 再犯防止指標", "en": "prefecture indicators"},
}
