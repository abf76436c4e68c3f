"""A console logger that prints one line per finished step instead of Dagster's debug stream."""

from __future__ import annotations

import logging
import sys

from dagster import Field, InitLoggerContext, logger


class StepProgressHandler(logging.Handler):
    def __init__(self, total: int | None = None):
        super().__init__(level=logging.DEBUG)
        self.done = 0
        self.total = "?" if total is None else str(total)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._print(record)
        except Exception:  # a progress line must never fail a run
            self.handleError(record)

    def _print(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = (meta.get("step_key") or "").replace("__", "/")
        if event is None:
            if record.levelno >= logging.WARNING:
                print(f"  {record.levelname.lower()}: {record.getMessage()}", file=sys.stderr, flush=True)
            return
        kind = event.event_type_value
        if kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.done += 1
            status = {"STEP_SUCCESS": "", "STEP_FAILURE": "FAILED ", "STEP_SKIPPED": "skipped "}[kind]
            print(f"  [{self.done}/{self.total}] {status}{step}", flush=True)
        elif kind == "ENGINE_EVENT" and getattr(event.event_specific_data, "error", None) is not None:
            # e.g. the warehouse's commit at the end of the run failed: not a step, but the user must see it
            error = event.event_specific_data.error
            print(f"  error: {event.message}: {(error.message or '').strip()[:300]}", file=sys.stderr, flush=True)
        elif kind == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                print(
                    f"      check {check.check_name}: {check.severity.value}: {(check.description or '')[:300]}",
                    flush=True,
                )


@logger(
    config_schema={"total": Field(int, is_required=False, description="steps the run will take, shown as [n/total]")},
    description="One line per finished step; failed checks with their reason.",
)
def step_progress_logger(init_context: InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("caei.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.handlers = [StepProgressHandler(init_context.logger_config.get("total"))]
    return log
