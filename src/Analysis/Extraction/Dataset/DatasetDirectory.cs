using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Analysis.Extraction.Dataset;

/// <summary>
/// An activation dataset directory on disk and the rules that keep it consistent across kills, reruns and cluster shards:
/// <list type="bullet">
/// <item>_extraction.json holds the settings; it is written first and marks the directory as ours.</item>
/// <item>_layout.json holds the model, hook and column description every part follows.</item>
/// <item>part-NNNNN.parquet files appear only complete (the Parquet writer renames them into place).</item>
/// <item>_progress/shard-I-of-N.json lists the parts a shard completed; a part counts only when listed there and its file has the listed size.</item>
/// <item>_manifest.json is written last, once every part is complete.</item>
/// <item>A write that fails (a full disk) leaves no temporary file and no unrecorded part; it says how to go on (<see cref="DiskFullException"/>).</item>
/// </list>
/// Bookkeeping names start with '_' because pyarrow, pandas, Spark and Hive skip such files when reading a directory,
/// so `pd.read_parquet(DIR)` and `spark.read.parquet(DIR)` see exactly the part files.
/// </summary>
public sealed class DatasetDirectory
{
    /// <summary>The settings file's name.</summary>
    public const string SettingsFile = "_extraction.json";
    /// <summary>The manifest's name.</summary>
    public const string ManifestFile = "_manifest.json";
    /// <summary>The layout file's name.</summary>
    public const string LayoutFile = "_layout.json";
    private const string ProgressFolder = "_progress";
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private DatasetDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The file name of part <paramref name="part"/>.</summary>
    public static string PartFileName(long part) => $"part-{part:D5}.parquet";

    /// <summary>
    /// Opens <paramref name="path"/> for an extraction with <paramref name="settings"/>: creates it, resumes it (same settings),
    /// or, with <paramref name="overwrite"/>, deletes our earlier files from it. Refuses a directory that holds other files.
    /// </summary>
    public static DatasetDirectory Prepare(string path, ExtractionSettings settings, bool overwrite)
    {
        var dir = new DatasetDirectory(path);
        if (File.Exists(path)) throw new BadInputException($"--out '{path}' is a file; give a directory for the dataset.");
        dir.Writing(SettingsFile, () => Directory.CreateDirectory(dir.Path));
        var settingsPath = System.IO.Path.Combine(dir.Path, SettingsFile);
        if (File.Exists(settingsPath))
        {
            var existing = ReadSettings(settingsPath);
            var differences = existing.Differences(settings);
            if (differences.Count > 0)
            {
                if (!overwrite)
                    throw new BadInputException(
                        $"'{path}' holds a dataset extracted with other settings ({string.Join("; ", differences)}); " +
                        "rerun with the same arguments to resume it, choose another --out, or pass --overwrite to replace it.");
                dir.DeleteOurFiles();
            }
        }
        else if (Directory.EnumerateFileSystemEntries(dir.Path).Any())
        {
            throw new BadInputException(
                $"'{path}' is not empty and is not an activation dataset (it has no {SettingsFile}); give a new or empty directory for --out.");
        }
        dir.Writing(SettingsFile, () =>
        {
            AtomicFile.WriteAllText(settingsPath, JsonSerializer.Serialize(settings, Json));
            Directory.CreateDirectory(System.IO.Path.Combine(dir.Path, ProgressFolder));
        });
        return dir;
    }

    /// <summary>Opens an existing dataset directory for reading or reconciling.</summary>
    public static DatasetDirectory Open(string path)
    {
        var dir = new DatasetDirectory(path);
        if (!Directory.Exists(dir.Path)) throw new DirectoryNotFoundException($"The dataset directory '{path}' does not exist.");
        if (!File.Exists(System.IO.Path.Combine(dir.Path, SettingsFile)))
            throw new BadInputException($"'{path}' is not an activation dataset: it has no {SettingsFile}.");
        return dir;
    }

    /// <summary>The settings the dataset was extracted with.</summary>
    public ExtractionSettings Settings => ReadSettings(System.IO.Path.Combine(Path, SettingsFile));

    /// <summary>The full path of part <paramref name="part"/>.</summary>
    public string PartPath(long part) => System.IO.Path.Combine(Path, PartFileName(part));

    /// <summary>
    /// Deletes temporary files a killed run of <paramref name="shard"/> left behind: its progress file's (only this shard
    /// writes those) and, for the files every shard may write (_manifest.json, _layout.json), those untouched for an hour.
    /// </summary>
    public void RemoveStaleTemporaries(ShardSpec shard)
    {
        var progress = System.IO.Path.Combine(Path, ProgressFolder);
        if (Directory.Exists(progress))
            foreach (var f in Directory.GetFiles(progress, $".shard-{shard.Index}-of-{shard.Count}.json.*.tmp")) File.Delete(f);
        foreach (var f in Directory.GetFiles(Path, "._*.tmp"))
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(f) > TimeSpan.FromHours(1)) File.Delete(f);
    }

    /// <summary>Deletes temporary files a killed writer of part <paramref name="part"/> left behind (call only for parts this process owns).</summary>
    public void RemoveStaleTemporaries(long part)
    {
        foreach (var f in Directory.GetFiles(Path, $".{PartFileName(part)}.*.tmp")) File.Delete(f);
    }

    /// <summary>Every completed part recorded by any shard whose file is present with the recorded size, by part number.</summary>
    public SortedDictionary<long, PartRecord> CompletedParts()
    {
        var done = new SortedDictionary<long, PartRecord>();
        var folder = System.IO.Path.Combine(Path, ProgressFolder);
        if (!Directory.Exists(folder)) return done;
        foreach (var file in Directory.GetFiles(folder, "shard-*.json"))
        {
            foreach (var part in ReadProgress(file))
            {
                CheckPartName(part, file);
                var info = new FileInfo(PartPath(part.Part));
                if (info.Exists && info.Length == part.Bytes) done[part.Part] = part;
            }
        }
        return done;
    }

    /// <summary>
    /// Records that shard <paramref name="shard"/> completed <paramref name="part"/> (after its file is in place). When the
    /// record cannot be written the part file is deleted: every part file present is then a recorded one (a part never
    /// recorded is rewritten by the next run anyway), and its space is free for that run.
    /// </summary>
    public void RecordPart(ShardSpec shard, PartRecord part)
    {
        var name = $"shard-{shard.Index}-of-{shard.Count}.json";
        var file = System.IO.Path.Combine(Path, ProgressFolder, name);
        var parts = File.Exists(file) ? ReadProgress(file).Where(p => p.Part != part.Part).ToList() : [];
        parts.Add(part);
        parts.Sort((a, b) => a.Part.CompareTo(b.Part));
        try
        {
            Writing($"{ProgressFolder}/{name}", () => AtomicFile.WriteAllText(file, JsonSerializer.Serialize(parts, Json)));
        }
        catch
        {
            File.Delete(PartPath(part.Part));
            throw;
        }
    }

    /// <summary>Writes layout.json unless a previous run wrote it (a resumed run keeps the original start time).</summary>
    public void EnsureLayout(DatasetLayout layout)
    {
        var file = System.IO.Path.Combine(Path, LayoutFile);
        if (!File.Exists(file)) Writing(LayoutFile, () => AtomicFile.WriteAllText(file, JsonSerializer.Serialize(layout, Json)));
    }

    /// <summary>The layout written when the extraction started.</summary>
    public DatasetLayout Layout
    {
        get
        {
            var file = System.IO.Path.Combine(Path, LayoutFile);
            if (!File.Exists(file)) throw new BadInputException($"'{Path}' has no {LayoutFile}: its extraction never got past the start; rerun it.");
            return JsonSerializer.Deserialize<DatasetLayout>(File.ReadAllText(file)) ?? throw new BadInputException($"{file} is empty.");
        }
    }

    /// <summary>The manifest, or null while the dataset is incomplete.</summary>
    public DatasetManifest? ReadManifest()
    {
        var file = System.IO.Path.Combine(Path, ManifestFile);
        if (!File.Exists(file)) return null;
        var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(file))
            ?? throw new BadInputException($"{file}: empty manifest.");
        if (manifest.FormatVersion > DatasetManifest.CurrentFormatVersion)
            throw new BadInputException($"{file}: format version {manifest.FormatVersion} is newer than this tool reads ({DatasetManifest.CurrentFormatVersion}); update the tool.");
        foreach (var part in manifest.Parts) CheckPartName(part, file);
        return manifest;
    }

    /// <summary>
    /// A part record names its file, but the name comes from a file anyone may have edited: only the name this tool gives
    /// that part is accepted, so no record can make a reader look outside the dataset.
    /// </summary>
    private static void CheckPartName(PartRecord part, string recordFile)
    {
        if (part.Part < 0 || part.File != PartFileName(part.Part))
            throw new BadInputException($"'{recordFile}' records part {part.Part} as the file '{part.File}' instead of '{(part.Part < 0 ? "part-NNNNN.parquet" : PartFileName(part.Part))}'; it is corrupt or was not written by this tool, so delete it and rerun the extraction.");
    }

    /// <summary>Writes manifest.json atomically.</summary>
    public void WriteManifest(DatasetManifest manifest) =>
        Writing(ManifestFile, () => AtomicFile.WriteAllText(System.IO.Path.Combine(Path, ManifestFile), JsonSerializer.Serialize(manifest, Json)));

    /// <summary>
    /// Runs <paramref name="write"/>, which writes <paramref name="file"/> (a name inside the dataset), turning "no space left
    /// on device" into a <see cref="DiskFullException"/> that says where, what is kept, and how to go on.
    /// </summary>
    internal T Writing<T>(string file, Func<T> write)
    {
        try { return write(); }
        catch (IOException e) when (e is not DiskFullException && DiskFullException.IsDiskFull(e))
        {
            throw new DiskFullException(DiskFullMessage(file), e);
        }
    }

    /// <inheritdoc cref="Writing{T}"/>
    internal void Writing(string file, Action write) => Writing(file, () => { write(); return 0; });

    private string DiskFullMessage(string file)
    {
        // Reading the records needs no space. Temporary files are already gone: every writer deletes its own on failure.
        var done = CompletedParts();
        var what = $"No space left on device writing {file} in '{Path}'";
        if (done.Count == 0) return $"{what}; free space there and rerun the same command.";
        var total = Settings.PartCount;
        var rest = total - done.Count;
        var kept = rest == 0
            ? "every part is complete and kept"
            : string.Create(CultureInfo.InvariantCulture,
                $"{done.Count} of {total} parts are complete and kept, the other {rest} need about {done.Values.Average(p => p.Bytes) * rest / 1e6:N1} MB");
        return $"{what} ({kept}); free space there and rerun the same command to resume.";
    }

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256Of(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private void DeleteOurFiles()
    {
        File.Delete(System.IO.Path.Combine(Path, ManifestFile));
        File.Delete(System.IO.Path.Combine(Path, LayoutFile));
        foreach (var f in Directory.GetFiles(Path, "part-*.parquet")) File.Delete(f);
        foreach (var f in Directory.GetFiles(Path, ".part-*")) File.Delete(f);
        var progress = System.IO.Path.Combine(Path, ProgressFolder);
        if (Directory.Exists(progress)) Directory.Delete(progress, recursive: true);
    }

    private static ExtractionSettings ReadSettings(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<ExtractionSettings>(File.ReadAllText(file))
                ?? throw new BadInputException($"{file} is empty.");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{file} is not a valid settings file ({e.Message}); delete the directory or pass another --out.");
        }
    }

    private static List<PartRecord> ReadProgress(string file)
    {
        try { return JsonSerializer.Deserialize<List<PartRecord>>(File.ReadAllText(file)) ?? []; }
        catch (JsonException e) { throw new BadInputException($"{file} is not a valid progress file ({e.Message})."); }
    }
}
