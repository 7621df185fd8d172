using Analysis.Attention;
using Analysis.Checkpoints;
using Analysis.Decomposition;
using Analysis.Generation;
using Analysis.Interventions;
using Analysis.Lens;
using Analysis.Plots;
using Analysis.Probing;
using Analysis.Results;
using Analysis.Sae;
using Analysis.Similarity;

namespace Analysis.Reports;

/// <summary>
/// Every analysis whose results the report can show, in page order. An analysis joins the report by adding one line
/// here: a function from an output folder's results to its sections (none when the folder holds none of its results).
/// </summary>
internal static class ReportSources
{
    public static readonly Func<ResultsFile, IEnumerable<ReportSection>>[] All =
    [
        ProbeSection.Read,
        PcaSection.Read,
        NumberLineSection.Read,
        LensSection.Read,
        AttentionSection.Read,
        SaeSection.Read,
        InterventionSection.Read,
        GenerationLensSection.Read,
        SaeEvalSection.Read,
        SaeFeaturesSection.Read,
        SimilaritySection.Read,
        CheckpointSection.Read,
    ];
}
