using Analysis.Extraction;

namespace Analysis.Checkpoints;

/// <summary>
/// Extracts the same examples from every model of a family: one ordinary (resumable) dataset per checkpoint under
/// OUT/NAME, then OUT/_family.json listing them in order. Rerunning the command resumes each dataset.
/// </summary>
public static class FamilyExtraction
{
    /// <summary>
    /// Runs <paramref name="extract"/> (ActivationExtractor.Run, or the CLI's wrapper with a progress display) once per
    /// checkpoint with <paramref name="template"/>'s settings; the tokenizer is the template's, or tokenizer.json beside
    /// each model when the template's is null.
    /// </summary>
    public static IReadOnlyList<ExtractionSummary> Run(IReadOnlyList<Checkpoint> family, ExtractionRequest template, string? tokenizer,
        Func<Checkpoint, ExtractionRequest, ExtractionSummary> extract)
    {
        var output = Directory.CreateDirectory(template.Output).FullName;
        var summaries = new List<ExtractionSummary>();
        foreach (var c in family)
        {
            var beside = Path.Combine(Path.GetDirectoryName(c.Model)!, "tokenizer.json");
            var tok = tokenizer ?? (File.Exists(beside) ? beside
                : throw new BadInputException($"No --tokenizer given and no tokenizer.json beside {c.Model}; pass --tokenizer PATH."));
            summaries.Add(extract(c, template with { Model = c.Model, Tokenizer = tok, Output = Path.Combine(output, c.Name) }));
        }
        new FamilyDatasets(family.Select(c => new FamilyDataset(c.Name, c.Name, c.Model, c.Size, c.Step, c.TokensSeen)).ToArray()).Save(output);
        return summaries;
    }
}
