"""Every result table an analysis stores, declared once: its analysis, name, columns (in order) with types and meanings.

Analyses store their tables as long cells (``analysis_results``, :mod:`dsanalysis.stats.results`). From
the declarations in :data:`TABLES` come

* the typed named query of each table for ``python -m dsanalysis sql`` (``analysis_<result>`` unless
  declared otherwise; :func:`result_queries` writes its SQL, there is no file for it in sql/queries);
* the column lists of the library functions that build the tables (``friedman.FRIEDMAN_COLUMNS`` is
  ``FRIEDMAN.without("metric")``, ...);
* :func:`dsanalysis.stats.results.save_analysis` refusing a table whose columns are not the declared
  ones, and :func:`dsanalysis.stats.results.load_result` reading text columns as text;
* tests/test_result_tables.py, which checks the queries' columns and types, and that the README
  documents every declared column.

Adding a result table is one entry in :data:`TABLES`::

    LEARNING_CURVES = ResultTable("interventions", "learning_curves", "Score against training images per class ...", (
        text("dataset", "training dataset"), count("n_per_class", "training images per class"),
        number("estimate", "mean score over seeds"), text("note", "why a value is missing"),
    ))

and a section for it in the README's Statistics reference (a heading naming the table and its query,
then every column). ``sql --list`` then lists ``analysis_learning_curves``, and saving that
analysis checks the table's columns. Numbers are stored as DOUBLE; the declared type is what the
query casts them to (BIGINT for counts, BOOLEAN for flags stored as 1/0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: the declared type of a column: what its typed query casts the stored cell to, and its pandas dtype
TYPES = {"VARCHAR": "object", "DOUBLE": "float64", "BIGINT": "int64", "BOOLEAN": "bool"}
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"column name {self.name!r} must be lower-case letters, digits and underscores")
        if self.type not in TYPES:
            raise ValueError(f"column {self.name!r}: type {self.type!r} is not one of {', '.join(TYPES)}")

    def cell(self) -> str:
        """The SQL expression that takes this column's value out of a row's long cells."""
        source = "text" if self.type == "VARCHAR" else "number"
        value = f"max(r.{source}) FILTER (WHERE r.column_name = '{self.name}')"
        if self.type == "BIGINT":
            value = f"CAST({value} AS BIGINT)"
        elif self.type == "BOOLEAN":
            value = f"{value} = 1"
        return f'{value} AS "{self.name}"'


def text(name: str, meaning: str) -> Column:
    return Column(name, "VARCHAR", meaning)


def number(name: str, meaning: str) -> Column:
    return Column(name, "DOUBLE", meaning)


def count(name: str, meaning: str) -> Column:
    return Column(name, "BIGINT", meaning)


def flag(name: str, meaning: str) -> Column:
    return Column(name, "BOOLEAN", meaning)


@dataclass(frozen=True)
class Filter:
    """A parameter of a table's query that keeps some of its rows: ``condition`` is SQL over the table's
    columns and ``$param``."""

    param: str
    type: str
    default: str
    meaning: str
    condition: str


@dataclass(frozen=True)
class ResultTable:
    """One result table: ``analysis`` (None: the table every analysis stores, listed per analysis),
    ``result`` (its name in ``analysis_results``), ``description`` (of its query), ``columns`` in order.

    ``query`` names its typed query (default ``analysis_<result>``); ``row_index`` says whether the
    query shows the row number; ``filters`` are extra query parameters.
    """

    analysis: str | None
    result: str
    description: str
    columns: tuple[Column, ...]
    query: str = ""
    row_index: bool = True
    filters: tuple[Filter, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in (self.analysis or "any", self.result):
            if not _NAME.match(name):
                raise ValueError(f"result table name {name!r} must be lower-case letters, digits and underscores")
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError(f"result table {self.result!r} declares a column twice")
        if not self.query:
            object.__setattr__(self, "query", f"analysis_{self.result}")

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        """Each column's pandas dtype (text: object; counts: int64; flags: bool; numbers: float64)."""
        return {c.name: TYPES[c.type] for c in self.columns}

    @property
    def text_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.type == "VARCHAR"]

    def without(self, *names: str) -> list[str]:
        """The column names, in order, less ``names`` (columns a caller adds around a library function's output)."""
        unknown = [n for n in names if n not in self.names]
        if unknown:
            raise ValueError(f"result table {self.result!r} has no column {unknown[0]!r}")
        return [n for n in self.names if n not in names]

    def check(self, columns: list[str]) -> None:
        """Refuse (ValueError) ``columns`` that are not the declared ones in the declared order."""
        if list(columns) != self.names:
            missing = [c for c in self.names if c not in columns]
            extra = [c for c in columns if c not in self.names]
            raise ValueError(f"result table {self.result!r} of analysis {self.analysis or 'any'!r} has columns "
                             f"{list(columns)}; declared: {self.names} (missing {missing}, undeclared {extra}; "
                             "see dsanalysis/stats/tables.py)")

    def sql(self) -> str:
        """The typed query: the newest analysis (or ``$analysis_id``) pivoted from long cells to one row per table row."""
        if self.analysis is None:
            which, lead = "", ["analysis", "row_index"]
        else:
            which, lead = f"name = '{self.analysis}' AND ", ["row_index"] if self.row_index else []
        cells = ",\n           ".join(c.cell() for c in self.columns)
        shown = ", ".join([*lead, *(f'"{n}"' for n in self.names)])
        where = "".join(f"\n{'WHERE' if i == 0 else '  AND'} ({f.condition})" for i, f in enumerate(self.filters))
        order = "analysis, row_index" if self.analysis is None else "row_index"
        return (f"WITH chosen AS (\n"
                f"    SELECT analysis_id, name FROM analyses\n"
                f"    WHERE {which}($analysis_id IS NULL OR analysis_id = $analysis_id)\n"
                f"    QUALIFY $analysis_id IS NOT NULL\n"
                f"         OR row_number() OVER (PARTITION BY name ORDER BY created_at DESC, analysis_id) = 1\n"
                f"), result AS (\n"
                f"    SELECT c.name AS analysis, r.row_index,\n"
                f"           {cells}\n"
                f"    FROM analysis_results AS r\n"
                f"    JOIN chosen AS c USING (analysis_id)\n"
                f"    WHERE r.result = '{self.result}'\n"
                f"    GROUP BY c.name, r.row_index\n"
                f")\n"
                f"SELECT {shown}\nFROM result{where}\nORDER BY {order}")



# -- analyze ranking --------------------------------------------------------------------------------
SCORES = ResultTable("ranking", "scores", (
    "In-domain and generalization score of each training dataset per metric (accuracy, accuracy_fake, "
    "accuracy_real, auc; video_accuracy and video_auc where tested images are video frames, intervals over "
    "trials only), averaged over seeds and configurations, with bootstrap intervals over trials and test images, "
    "the between-seed SD, the rank (1 = best), and how many of the runs learned."), (
    text("train_dataset", "training dataset"),
    text("metric", "accuracy, accuracy_fake, accuracy_real, auc (video_accuracy, video_auc for video frames)"),
    text("scope", "in_domain or generalization"),
    number("estimate", "the score"),
    number("ci_low", "lower end of the bootstrap interval over trials and test images"),
    number("ci_high", "upper end of that interval"),
    number("seed_sd", "between-seed SD of the score, pooled over configurations"),
    count("rank", "1 = best within metric and scope"),
    count("n_runs", "runs behind the score"),
    count("n_learned", "runs whose validation check said they learned"),
    count("n_not_learned", "runs whose validation check said they did not learn"),
    count("n_seeds", "fewest seeds of any configuration"),
    count("n_configs", "configurations"),
    count("n_eval_datasets", "evaluated datasets averaged over (1 for in-domain)"),
    text("note", "why an interval is narrower or a value missing"),
))
LEARNED_SENSITIVITY = ResultTable("ranking", "learned_sensitivity", (
    "The ranking's point scores from every run beside those from the runs that learned only (validation check), "
    "with both ranks: whether runs that stayed at chance change the order."), (
    text("metric", "accuracy or auc"),
    text("scope", "in_domain or generalization"),
    text("train_dataset", "training dataset"),
    number("estimate_all", "score from every run"),
    count("rank_all", "rank from every run (1 = best)"),
    number("estimate_learned", "score from the runs that learned only (NaN when none did)"),
    count("rank_learned", "rank from the runs that learned only"),
    count("n_runs", "runs of the training dataset"),
    count("n_learned", "of those, runs that learned"),
))
TRANSFER = ResultTable("ranking", "transfer", (
    "Mean score of every training dataset on every evaluated dataset over its runs (the cross-dataset matrix)."), (
    text("train_dataset", "training dataset"),
    text("eval_dataset", "evaluated dataset"),
    text("metric", "the metric"),
    number("mean", "mean over runs"),
    number("sd", "SD over runs (NaN with one run)"),
    number("min", "lowest run"),
    number("max", "highest run"),
    count("n_runs", "runs"),
))
FRIEDMAN = ResultTable("ranking", "friedman", (
    "Friedman test over blocks (evaluated dataset x configuration x seed) that the training datasets rank alike, "
    "with the Iman-Davenport F and Kendall's W."), (
    text("metric", "accuracy or auc"),
    count("n_blocks", "complete blocks used"),
    count("n_treatments", "training datasets"),
    count("n_blocks_dropped", "blocks missing a training dataset (left out)"),
    number("statistic", "chi-square with tie correction"),
    count("df", "degrees of freedom"),
    number("p_value", "p of the chi-square"),
    number("iman_davenport_f", "Iman-Davenport F"),
    number("iman_davenport_p", "p of the F"),
    number("kendall_w", "Kendall's coefficient of concordance (0 = no agreement, 1 = every block ranks alike)"),
    text("note", "e.g. two treatments, fewer than 2 blocks"),
))
MEAN_RANKS = ResultTable("ranking", "mean_ranks", (
    "Mean within-block rank of each training dataset (1 = best), as the critical difference diagram shows it."), (
    text("metric", "accuracy or auc"),
    text("treatment", "training dataset"),
    number("mean_rank", "mean rank over the complete blocks (1 = best)"),
    number("mean_score", "mean score over the complete blocks"),
    count("n_blocks", "complete blocks"),
))
PAIRWISE = ResultTable("ranking", "pairwise", (
    "Every pair of training datasets: Nemenyi test and critical difference, Wilcoxon signed-rank with Holm "
    "correction, effect sizes."), (
    text("metric", "accuracy or auc"),
    text("treatment_a", "first training dataset"),
    text("treatment_b", "second training dataset"),
    count("n_blocks", "complete blocks"),
    number("mean_rank_a", "mean rank of a"),
    number("mean_rank_b", "mean rank of b"),
    number("rank_difference", "a - b (negative: a ranks better)"),
    number("critical_difference", "Nemenyi critical difference"),
    number("nemenyi_p", "Nemenyi p"),
    flag("nemenyi_significant", "|rank_difference| > critical_difference"),
    number("mean_difference", "mean of a - b over blocks, in score units"),
    number("median_difference", "median of a - b over blocks"),
    number("wilcoxon_statistic", "Wilcoxon signed-rank statistic"),
    number("wilcoxon_p", "Wilcoxon p"),
    number("wilcoxon_p_holm", "Holm-adjusted over all pairs"),
    number("rank_biserial", "matched-pairs rank-biserial correlation (positive: a scores higher)"),
    text("note", "e.g. fewer than 6 blocks"),
))
MIXED_MODEL = ResultTable("ranking", "mixed_model", (
    "Linear mixed model of the score on training dataset with crossed random effects (evaluated dataset, seed, "
    "configuration): model-based means, differences, joint test, variance components."), (
    text("metric", "accuracy or auc"),
    text("term", "a training dataset, 'b - a', the factor, a random factor or 'residual'"),
    text("kind", "mean, difference, test, variance or fixed_nuisance"),
    number("estimate", "the mean, difference, chi-square or variance"),
    number("std_error", "standard error (for a variance: its square root)"),
    number("ci_low", "lower end of the Wald interval"),
    number("ci_high", "upper end of the Wald interval"),
    number("p_value", "for difference and test"),
    number("share", "a variance component's share of the total variance"),
    count("n_levels", "observations (mean), levels (variance, test)"),
    text("note", "convergence or boundary problems, why a factor is fixed"),
))

# -- analyze traits ---------------------------------------------------------------------------------
TRAIT_CORRELATIONS = ResultTable("traits", "trait_correlations", (
    "Dataset level: correlation of each dataset trait with the generalization score (Pearson, Spearman, Kendall) "
    "with bootstrap interval, permutation p, BH q and the minimum detectable correlation."), (
    text("trait", "dataset trait"),
    text("method", "pearson, spearman or kendall"),
    count("n", "datasets with both the trait and a generalization score"),
    number("r", "the coefficient"),
    number("ci_low", "lower end of the bootstrap interval over datasets"),
    number("ci_high", "upper end of that interval"),
    number("p_value", "scipy's analytic test"),
    number("p_permutation", "two-sided permutation p"),
    number("q_value", "Benjamini-Hochberg over traits within a method, from p_permutation"),
    number("critical_r", "smallest |r| significant at alpha for this n"),
    number("min_detectable_r", "smallest |r| detectable with 80% power"),
    text("note", "missing values, constant trait, n < 3, no interval"),
))
PAIR_REGRESSION = ResultTable("traits", "pair_regression", (
    "Pair level: cross-dataset score of (train, eval) regressed on standardized distances and traits with crossed "
    "random effects (or two-way clustered errors); p_value relabels the datasets (exact over all N! orderings up to "
    "7 datasets), so it is never below p_floor (1/N!: 0.042 with 4 datasets)."), (
    text("model", "univariate:<predictor> or joint"),
    text("term", "predictor"),
    number("estimate", "change in score per SD of the predictor"),
    number("std_error", "standard error of the estimate"),
    number("ci_low", "estimate - t(N - 1) x std_error"),
    number("ci_high", "estimate + t(N - 1) x std_error"),
    number("p_value", "dataset-permutation p"),
    number("p_floor", "smallest p the orderings allow"),
    number("q_value", "Benjamini-Hochberg over the univariate p_values"),
    number("predictor_sd", "SD of the predictor over cells"),
    number("vif", "variance inflation factor in the joint model"),
    text("method", "mixed or ols_cluster2"),
    count("n_cells", "cells fitted"),
    count("n_datasets", "datasets"),
    count("n_permutations", "orderings tested"),
    text("note", "fewer than 3 datasets, constant predictor, fallback used, p at its floor"),
))
MANTEL = ResultTable("traits", "mantel", (
    "Pair level: Mantel permutation test between each distance matrix and the transfer loss (1 - score) matrix."), (
    text("trait", "distance trait"),
    number("r", "Pearson r over off-diagonal cells"),
    number("p_value", "two-sided permutation p"),
    count("n_items", "datasets"),
    count("n_cells", "off-diagonal cells"),
    count("n_permutations", "orderings tested"),
    flag("exact", "all n! orderings enumerated"),
    text("method", "how the p-value was computed"),
    text("note", "e.g. the smallest attainable p"),
))
IMAGE_ODDS_RATIOS = ResultTable("traits", "image_odds_ratios", (
    "Image level: odds ratio of a correct call per SD of each image descriptor (GEE, clustered by image or group, "
    "fixed effects for run and dataset)."), (
    text("term", "descriptor (extractor.trait)"),
    number("odds_ratio", "odds of a correct call per SD of the descriptor"),
    number("ci_low", "lower end of its interval"),
    number("ci_high", "upper end of its interval"),
    number("coefficient", "log odds ratio"),
    number("std_error", "robust standard error"),
    number("p_value", "p of the coefficient"),
    number("predictor_sd", "SD of the descriptor"),
    number("vif", "variance inflation factor among descriptors"),
    count("n_rows", "(run, image) rows"),
    count("n_clusters", "clusters"),
    text("note", "constant or missing descriptors, fewer than 20 clusters"),
))
PROFILE = ResultTable("traits", "profile", (
    "Traits of the top-ranking versus the bottom-ranking datasets, as standardized differences."), (
    text("trait", "dataset trait"),
    count("n_top", "top-ranking datasets"),
    count("n_bottom", "bottom-ranking datasets"),
    number("mean_top", "mean trait of the top datasets"),
    number("mean_bottom", "mean trait of the bottom datasets"),
    number("difference", "top - bottom"),
    number("trait_sd", "SD over all ranked datasets"),
    number("standardized_difference", "difference / trait_sd"),
    text("top_datasets", "the top datasets"),
    text("bottom_datasets", "the bottom datasets"),
    text("note", "e.g. descriptive contrast under 6 datasets"),
))
TRAIT_POINTS = ResultTable("traits", "trait_points", (
    "The points of the trait-versus-score figure: each leading trait's value and generalization score per dataset."), (
    text("trait", "a leading trait"),
    text("dataset", "dataset"),
    number("trait_value", "the dataset's trait value"),
    number("score", "its generalization score"),
))
TRAIT_FITS = ResultTable("traits", "trait_fits", (
    "The lines of the trait-versus-score figure: least-squares fit and the confidence band of its mean at 25 points "
    "over each leading trait's observed range."), (
    text("trait", "a leading trait"),
    number("x", "trait value"),
    number("fit", "fitted score"),
    number("ci_low", "lower end of the band"),
    number("ci_high", "upper end of the band"),
))

# -- analyze subgroups ------------------------------------------------------------------------------
SUBGROUP_METRICS = ResultTable("subgroups", "subgroup_metrics", (
    "Accuracy, AUC, FPR and FNR per subgroup (ITA, quality bins, user attributes) with intervals, per training and "
    "evaluated dataset: each run's metric averaged over the runs (n_runs), as in the cross-dataset matrix; in_domain "
    "marks rows whose model was trained on the evaluated dataset (listed first)."), (
    text("train_dataset", "training dataset"),
    text("eval_dataset", "evaluated dataset"),
    flag("in_domain", "trained and evaluated on the same dataset"),
    text("attribute", "descriptor or user attribute"),
    text("subgroup", "its category or quantile bin"),
    count("n", "images"),
    count("n_real", "real images"),
    count("n_fake", "fake images"),
    count("n_runs", "runs averaged over"),
    text("metric", "accuracy, fpr, fnr or auc"),
    number("value", "mean over runs"),
    number("ci_low", "lower end of the interval"),
    number("ci_high", "upper end of the interval"),
    text("note", "e.g. fewer than 10 images"),
))
SUBGROUP_GAPS = ResultTable("subgroups", "subgroup_gaps", (
    "Largest gap between subgroups of each attribute compared with size-matched random groups, with the "
    "Benjamini-Hochberg q-value over every gap test of the analysis and whether the gap survives it "
    "(q <= 1 - confidence); in_domain marks rows whose model was trained on the evaluated dataset (listed first). "
    "A subgroup's value is each run's metric averaged over the runs (n_runs), for random groupings alike."), (
    text("train_dataset", "training dataset"),
    text("eval_dataset", "evaluated dataset"),
    text("attribute", "descriptor or user attribute"),
    text("metric", "accuracy, fpr, fnr or auc"),
    count("n_subgroups", "subgroups compared"),
    text("best_subgroup", "subgroup with the best value"),
    text("worst_subgroup", "subgroup with the worst value"),
    number("gap", "best - worst (absolute)"),
    number("random_gap_mean", "mean gap of random groupings of the same sizes"),
    number("random_gap_95", "95th percentile of the random gaps"),
    number("p_value", "share of random groupings with a gap at least the observed"),
    number("q_value", "Benjamini-Hochberg over every gap test of the analysis"),
    flag("survives_fdr", "q_value <= 1 - confidence"),
    flag("in_domain", "trained and evaluated on the same dataset"),
    count("n_random", "random groupings"),
    count("n_runs", "runs averaged over"),
    text("note", "why a gap is missing"),
))

# -- every analysis ---------------------------------------------------------------------------------
NOTES = ResultTable(None, "notes", (
    "What each newest analysis could not estimate, and why (fewer than 3 datasets, a missing or constant trait, a "
    "single seed, undefined values), plus the dataset-level sample-size statement; kind says which (not_estimable, "
    "caution, sample_size, multiplicity, sensitivity: dsanalysis/stats/notes.py)."), (
    text("section", "inputs, ranking, dataset_level, pair_level, image_level, subgroups, shortcuts"),
    text("subject", "a trait, a metric, a dataset, ..."),
    text("kind", "not_estimable, caution, sample_size, multiplicity or sensitivity"),
    text("message", "what and why"),
))

# -- shortcuts (written by `traits`) ----------------------------------------------------------------
_DATASET = Filter("dataset", "VARCHAR", "NULL", "only this dataset (default: all)", "$dataset IS NULL OR dataset = $dataset")
SEPARATION = ResultTable("shortcuts", "separation", (
    "Shortcut audit (computed by `traits`): how well each image descriptor alone separates the fakes from the reals "
    "of each dataset. Numeric descriptors: rank AUC of the value (fake = positive), its direction and separation = "
    "max(auc, 1 - auc); categorical ones (file format, JPEG quantization-table hash, chroma subsampling, image size, "
    "...): cross-fitted AUC of the category's share of fakes. Interval: Newcombe (2006) method 5. warning = "
    "separation >= threshold (stored in each row) and ci_low > 0.5; note says why a separation is undefined."), (
    text("dataset", "dataset"),
    text("descriptor", "descriptor as stored"),
    text("name", "readable name"),
    text("origin", "file (the file or encoder), image (the pixels) or user (a manifest attribute)"),
    text("kind", "numeric or categorical"),
    text("method", "how the AUC was computed"),
    count("n_real", "real images with a value"),
    count("n_fake", "fake images with a value"),
    count("missing_real", "real images without a value"),
    count("missing_fake", "fake images without a value"),
    number("auc", "AUC of the descriptor as a score (fake = positive)"),
    text("direction", "higher in fakes, lower in fakes, none, or by category"),
    number("separation", "max(auc, 1 - auc) (numeric) or the cross-fitted AUC (categorical)"),
    number("ci_low", "lower end of the separation's Newcombe interval"),
    number("ci_high", "upper end of that interval"),
    number("median_real", "median value of the reals (numeric)"),
    number("median_fake", "median value of the fakes (numeric)"),
    text("top_real", "most common category of the reals (categorical)"),
    number("top_real_share", "its share of the reals"),
    text("top_fake", "most common category of the fakes (categorical)"),
    number("top_fake_share", "its share of the fakes"),
    number("threshold", "separation from which a warning is given"),
    flag("warning", "separation >= threshold and ci_low > 0.5"),
    text("note", "why the separation is undefined"),
    text("message", "the warning as a sentence (else empty)"),
), query="analysis_shortcuts", row_index=False, filters=(
    _DATASET,
    Filter("warnings_only", "BOOLEAN", "false", "only descriptors with a warning", "NOT $warnings_only OR warning"),
))
CATEGORIES = ResultTable("shortcuts", "categories", (
    "Shortcut audit, categorical fingerprints per class: images of each class in each category of each categorical "
    "descriptor (file format, JPEG quantization-table hash, chroma subsampling, JPEG coding, image size, ...) per "
    "dataset, with the class's share; the 10 most common categories, the rest as '(other)'; '(missing)' = no value "
    "(e.g. no quantization table in a PNG)."), (
    text("dataset", "dataset"),
    text("descriptor", "categorical descriptor"),
    text("category", "its category, '(other)' or '(missing)'"),
    count("n_real", "real images in the category"),
    count("n_fake", "fake images in the category"),
    number("share_real", "share of the dataset's reals"),
    number("share_fake", "share of the dataset's fakes"),
), query="analysis_shortcut_categories", row_index=False, filters=(
    _DATASET,
    Filter("descriptor", "VARCHAR", "NULL", "only this descriptor, e.g. 'jpeg_qtable'",
           "$descriptor IS NULL OR descriptor = $descriptor"),
))
WARNINGS = ResultTable("shortcuts", "warnings", (
    "Shortcut warnings, one sentence per dataset in which some descriptor alone separates the fakes from the reals "
    "(separation >= threshold and an interval above 0.5; details: analysis_shortcuts). No row means no warning."), (
    text("dataset", "dataset"),
    count("n_warnings", "descriptors with a warning"),
    count("n_descriptors", "descriptors with a separation"),
    number("threshold", "separation from which a warning is given"),
    number("max_separation", "largest separation warned of"),
    text("message", "the warning as a sentence"),
), query="analysis_shortcut_warnings", row_index=False)

INTERVENTION_EFFECTS = ResultTable("interventions", "effects", (
    "Controlled-subset experiments: the effect of each intervention on each dataset, the paired difference over "
    "training seeds between the scores of models trained on two arms (arm_b - arm_a), in-domain and on the other "
    "datasets, with a t interval over seeds (unadjusted), the paired t-test and Holm across interventions."), (
    text("intervention", "'trait:<extractor.trait>' or 'diversity'"),
    text("kind", "trait, categorical or diversity"),
    text("dataset", "the dataset the arms are drawn from (and trained on)"),
    text("trait", "the trait the arms differ in"),
    text("arm_a", "the reference arm (low, concentrated, narrow or random)"),
    text("arm_b", "the compared arm (high, balanced or diverse)"),
    text("score", "in_domain (the dataset's own test part) or generalization (mean over the other datasets)"),
    text("metric", "accuracy or auc"),
    count("n_seeds", "seeds with a score in both arms"),
    number("mean_a", "arm a's mean score over those seeds"),
    number("mean_b", "arm b's mean score"),
    number("difference", "mean of the per-seed differences (arm_b - arm_a)"),
    number("ci_low", "lower end of the t interval on n_seeds - 1 degrees of freedom (unadjusted)"),
    number("ci_high", "upper end of that interval"),
    number("p_value", "two-sided paired t-test"),
    number("p_holm", "Holm-adjusted over every row of the same score and metric"),
    number("standardized_contrast", "how far apart the arms are in the measure, in training-part SDs"),
    count("not_learned", "runs of either arm whose validation check said they did not learn (kept)"),
    text("note", "why an interval is missing, or what limits the estimate"),
), query="analysis_intervention_effects")
LEARNING_CURVES = ResultTable("interventions", "learning_curves", (
    "Controlled-subset experiments: score against training images per class for each dataset's nested size "
    "arms and whole training part, fitted by least squares on log2 of the size, with its band and the change "
    "per doubling; a point beyond the largest size is marked extrapolated."), (
    text("intervention", "'size'"),
    text("dataset", "training dataset"),
    text("score", "in_domain or generalization"),
    text("metric", "accuracy or auc"),
    number("n_per_class", "training images per class (the smaller class)"),
    count("n_points", "seed-level points at this size (0 when extrapolated)"),
    number("observed_mean", "mean of those points"),
    number("fitted", "the fitted curve at this size"),
    number("ci_low", "lower end of the mean curve's interval"),
    number("ci_high", "upper end of that interval"),
    flag("extrapolated", "beyond the largest size trained: an assumption, not a measurement"),
    number("slope_per_doubling", "change in score per doubling of the training set"),
    number("slope_ci_low", "lower end of its interval"),
    number("slope_ci_high", "upper end of its interval"),
    text("note", "why there is no curve, or what limits it"),
))
SIZE_MATCHED_SCORES = ResultTable("interventions", "size_matched_scores", (
    "The ranking's scores of models trained on the size-matched arms: every dataset at the largest number of "
    "training images per class that all of them reach, so that dataset size does not pass for dataset quality."), (
    *SCORES.columns,
    count("n_per_class", "training images per class of every dataset's size-matched arm"),
))

#: every declared result table, in the order ``sql --list`` shows their queries
TABLES: tuple[ResultTable, ...] = (
    SCORES, LEARNED_SENSITIVITY, TRANSFER, FRIEDMAN, MEAN_RANKS, PAIRWISE, MIXED_MODEL,
    TRAIT_CORRELATIONS, PAIR_REGRESSION, MANTEL, IMAGE_ODDS_RATIOS, PROFILE, TRAIT_POINTS, TRAIT_FITS,
    SUBGROUP_METRICS, SUBGROUP_GAPS, NOTES, SEPARATION, CATEGORIES, WARNINGS,
    INTERVENTION_EFFECTS, LEARNING_CURVES, SIZE_MATCHED_SCORES,
)


def result_table(analysis: str, result: str) -> ResultTable | None:
    """The declaration of ``result`` of ``analysis`` (a table every analysis stores counts), or None."""
    for table in TABLES:
        if table.result == result and table.analysis in (analysis, None):
            return table
    return None


def result_queries() -> list:
    """The typed named query of every declared table (:class:`dsanalysis.store.NamedQuery`, kind 'query')."""
    from dsanalysis.store.queries import REQUIRED, NamedQuery, QueryParam

    queries = []
    for table in TABLES:
        which = "the newest analysis of each name" if table.analysis is None else f"the newest '{table.analysis}' analysis"
        params = [QueryParam(f.param, f.type, None if f.default == "NULL" else f.default, f.meaning) for f in table.filters]
        params.append(QueryParam("analysis_id", "VARCHAR", None, f"one analysis (default: {which})"))
        assert all(p.default is not REQUIRED for p in params)
        queries.append(NamedQuery(table.query, table.description, table.sql(), "query", tuple(params)))
    return queries
