using Analysis.Parquet;

namespace Analysis.Sae;

/// <summary>
/// `analysis sae encode`: a dataset's SAE codes as sparse Parquet, one row per (token, active latent): row INT64 (the
/// token's row in the dataset, part files in name order), example_id INT64 and position INT32 when the dataset has them,
/// latent INT32, value FLOAT. DuckDB, pandas and polars read it as it is; join on row (or example_id, position).
/// </summary>
public static class SaeEncoding
{
    /// <summary>The file written into the output folder.</summary>
    public const string CodesFile = "codes.parquet";

    /// <summary>Encodes every row of the dataset's hook (the SAE's own hook unless one is given); returns rows and entries written.</summary>
    public static (long Rows, long Entries) Run(string saeFolder, string data, string output, string? hook = null, Action<long, long>? progress = null)
    {
        var sae = Sae.Load(saeFolder);
        hook ??= sae.Info.HookName;
        if (hook == "") throw new BadInputException($"{saeFolder}/cfg.json names no hook_name; pass --hook.");
        var files = ActivationStream.DatasetFiles(data);
        // Schema first, one file open at a time: a reader holds its file's buffers, and datasets have many parts.
        bool hasExample = true, hasPosition = true;
        long total = 0;
        foreach (var file in files)
        {
            using var r = ParquetReader.Open(file);
            if (!r.Columns.Any(c => c.FieldName == hook))
                throw new BadInputException($"Hook '{hook}' is not in {r.FilePath}; pass --hook with one of its columns or a dataset extracted at that hook.");
            hasExample &= r.Columns.Any(c => c.FieldName == "example_id" && c.PhysicalType == ParquetPhysicalType.Int64);
            hasPosition &= r.Columns.Any(c => c.FieldName == "position" && c.PhysicalType == ParquetPhysicalType.Int32);
            total += r.RowCount;
        }
        var fields = new List<ParquetField> { ParquetField.Int64("row") };
        if (hasExample) fields.Add(ParquetField.Int64("example_id"));
        if (hasPosition) fields.Add(ParquetField.Int32("position"));
        fields.Add(ParquetField.Int32("latent"));
        fields.Add(ParquetField.Float("value"));
        if (File.Exists(output)) throw new BadInputException($"--out {output} is a file; pass a folder.");
        Directory.CreateDirectory(output);
        // Written under a temporary name and renamed at the end, so an interrupted run leaves no codes file that looks whole.
        var target = Path.Combine(output, CodesFile);
        var temporary = target + ".partial";
        long row = 0, entries = 0;
        try
        {
            using (var writer = ParquetWriter.Create(temporary, fields))
            {
                writer.SetMetadata("analysis.sae", Path.GetFullPath(saeFolder));
                writer.SetMetadata("analysis.hook", hook);
                foreach (var file in files)
                {
                    using var r = ParquetReader.Open(file);
                    for (var g = 0; g < r.RowGroups.Count; g++)
                    {
                        var rows = (int)r.RowGroups[g].RowCount;
                        if (rows == 0) continue;
                        var x = SaeInputRows.Read(r, g, hook, sae);
                        var codes = sae.Encode(x, rows);
                        var n = codes.Count;
                        var rowIds = new long[n]; var latents = codes.Latents.AsSpan(0, n);
                        ReadOnlySpan<long> examples = hasExample ? r.ReadColumn(g, "example_id").Values<long>() : default;
                        ReadOnlySpan<int> positions = hasPosition ? r.ReadColumn(g, "position").Values<int>() : default;
                        var ex = hasExample ? new long[n] : null; var pos = hasPosition ? new int[n] : null;
                        for (var i = 0; i < rows; i++)
                            for (var p = codes.RowStart[i]; p < codes.RowStart[i + 1]; p++)
                            {
                                rowIds[p] = row + i;
                                if (ex is not null) ex[p] = examples[i];
                                if (pos is not null) pos[p] = positions[i];
                            }
                        writer.WriteInt64("row", rowIds);
                        if (ex is not null) writer.WriteInt64("example_id", ex);
                        if (pos is not null) writer.WriteInt32("position", pos);
                        writer.WriteInt32("latent", latents);
                        writer.WriteFloat("value", codes.Values.AsSpan(0, n));
                        writer.EndBatch();
                        row += rows; entries += n;
                        progress?.Invoke(row, total);
                    }
                }
                writer.Finish();
            }
            File.Move(temporary, target, overwrite: true);
            return (row, entries);
        }
        finally { File.Delete(temporary); }
    }
}
