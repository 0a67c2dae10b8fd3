"""Validation of kefu's CLV models on CDNOW, the data set the models were published with.

The CDNOW files ship inside the ``lifetimes`` wheel; the evaluation downloads that wheel
with pip into the git-ignored ``.cache/`` and reads the files from the zip (the package is
never installed or imported, and no data is committed).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kefu.analytics.clv import BetaGeoModel, GammaGammaModel
from kefu.config import PROJECT_ROOT

WHEEL_SPEC = "lifetimes==0.11.3"
DATA_PREFIX = "lifetimes/datasets/"

#: Published fit of the lifetimes documentation (Quickstart) on the CDNOW summaries.
REFERENCE = {
    "r": 0.2426,
    "alpha": 4.4135,
    "a": 0.7929,
    "b": 2.4258,
    "p": 6.25,
    "q": 3.74,
    "v": 15.45,
}

CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def cdnow_wheel(cache_dir: Path | None = None) -> Path:
    """Path of the lifetimes wheel in the cache, downloading it with pip when missing."""
    folder = cache_dir or PROJECT_ROOT / ".cache" / "lifetimes"
    found = sorted(folder.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", WHEEL_SPEC, "-d", str(folder)],
        check=True,
    )
    found = sorted(folder.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if not found:
        raise FileNotFoundError(f"pip did not leave a {WHEEL_SPEC} wheel in {folder}")
    return found[0]


def read_dataset(name: str, wheel: Path | None = None) -> bytes:
    """Raw bytes of one file of ``lifetimes/datasets`` inside the wheel."""
    with zipfile.ZipFile(wheel or cdnow_wheel()) as zf:
        return zf.read(DATA_PREFIX + name)


@dataclass
class ReferenceCheck:
    """kefu's fitted parameters beside the published ones."""

    kefu: dict[str, float]
    reference: dict[str, float]
    n_customers: int
    n_returning: int

    def relative_errors(self) -> dict[str, float]:
        return {k: abs(self.kefu[k] - ref) / abs(ref) for k, ref in self.reference.items()}

    @property
    def max_relative_error(self) -> float:
        return max(self.relative_errors().values())


def reference_check(wheel: Path | None = None) -> ReferenceCheck:
    """Fit BG/NBD on the 2,357-customer summary and Gamma-Gamma on its 946 returning customers."""
    summary = pd.read_csv(io.BytesIO(read_dataset("cdnow_customers_summary.csv", wheel)))
    spend = pd.read_csv(
        io.BytesIO(read_dataset("cdnow_customers_summary_with_transactions.csv", wheel))
    )
    bg = BetaGeoModel.fit(summary["frequency"], summary["recency"], summary["T"])
    returning = spend[spend["x"] > 0]
    gg = GammaGammaModel.fit(returning["x"], returning["zbar"])
    fitted = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q, "v": gg.v}
    return ReferenceCheck(fitted, dict(REFERENCE), len(summary), gg.n_customers)


@dataclass
class HoldoutCheck:
    """Predicted vs actual repeat purchases in the 39-week holdout, by calibration frequency."""

    table: pd.DataFrame  # columns: frequency_bucket, customers, actual, predicted (means)
    total_actual: float
    total_predicted: float
    model: BetaGeoModel


def transactions(wheel: Path | None = None) -> pd.DataFrame:
    """The CDNOW 1/10 sample log: one row per customer and purchase day."""
    raw = read_dataset("CDNOW_sample.txt", wheel).decode()
    frame = pd.read_csv(
        io.StringIO(raw),
        sep=r"\s+",
        header=None,
        names=["customer", "original_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame.groupby(["customer", "date"], as_index=False)["dollars"].sum()


def holdout_check(wheel: Path | None = None, max_bucket: int = 7) -> HoldoutCheck:
    """Fit on 1997-01-01..1997-09-30 (39 weeks), predict the next 39 weeks, compare."""
    log = transactions(wheel)
    cal = log[log["date"] <= CALIBRATION_END]
    hold = log[(log["date"] > CALIBRATION_END) & (log["date"] <= HOLDOUT_END)]
    per = cal.groupby("customer")["date"].agg(["min", "max", "count"])
    week = pd.Timedelta(days=7)
    x = (per["count"] - 1).to_numpy(np.float64)
    t_x = ((per["max"] - per["min"]) / week).to_numpy(np.float64)
    big_t = ((CALIBRATION_END - per["min"]) / week).to_numpy(np.float64)
    model = BetaGeoModel.fit(x, t_x, big_t)
    horizon = (HOLDOUT_END - CALIBRATION_END) / week
    predicted = model.expected_purchases(horizon, x, t_x, big_t)
    actual = hold.groupby("customer").size().reindex(per.index, fill_value=0).to_numpy(np.float64)
    bucket = np.minimum(x, max_bucket).astype(int)
    table = (
        pd.DataFrame({"bucket": bucket, "actual": actual, "predicted": predicted})
        .groupby("bucket")
        .agg(
            customers=("actual", "size"),
            actual=("actual", "mean"),
            predicted=("predicted", "mean"),
        )
        .reset_index()
    )
    table["frequency_bucket"] = [
        f"{b}+" if b == max_bucket else str(b) for b in table["bucket"].to_numpy()
    ]
    table = table[["frequency_bucket", "customers", "actual", "predicted"]]
    return HoldoutCheck(table, float(actual.sum()), float(predicted.sum()), model)


def plot_holdout(check: HoldoutCheck, path: Path) -> Path:
    """Save the calibration/holdout chart as PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    pos = np.arange(len(check.table))
    ax.plot(pos, check.table["actual"], marker="o", label="actual")
    ax.plot(pos, check.table["predicted"], marker="s", linestyle="--", label="BG/NBD predicted")
    ax.set_xticks(pos, check.table["frequency_bucket"])
    ax.set_xlabel("repeat purchases in calibration period (39 weeks)")
    ax.set_ylabel("mean purchases in holdout (39 weeks)")
    ax.set_title("CDNOW: holdout purchases, actual vs predicted (kefu BG/NBD)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
