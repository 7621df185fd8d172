using System.Security.Cryptography;
using System.Text;

namespace Analysis.Extraction.Sources;

/// <summary>Plain text, one example per non-blank line; each record has the fields "text" and "line" (1-based).</summary>
internal sealed class TextLinesReader(string path) : IRecordReader
{
    private readonly Utf8LineReader lines = new(path, computeHash: true);

    public IReadOnlyList<string> FieldNames { get; } = ["text", "line"];

    public string Sha256 { get; private set; } = "";

    public SourceRecord? Next()
    {
        while (lines.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var n = lines.LineNumber;
            return new SourceRecord(new Dictionary<string, FieldValue>
            {
                ["text"] = FieldValue.OfString(line),
                ["line"] = new FieldValue(FieldKind.Integer, n.ToString(), n, n),
            }, $"{path}:{n}");
        }
        Sha256 = lines.HashHex();
        return null;
    }

    public void Dispose() => lines.Dispose();
}

/// <summary>A folder of .txt files, one example per file in ordinal name order; fields "text" and "file".</summary>
internal sealed class TextFilesReader : IRecordReader
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private readonly string[] files;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int next;

    public TextFilesReader(string folder)
    {
        files = Directory.GetFiles(folder, "*.txt", SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0) throw new BadInputException($"{folder}: the folder holds no .txt files; put one example per .txt file there.");
    }

    public IReadOnlyList<string> FieldNames { get; } = ["text", "file"];

    public string Sha256 { get; private set; } = "";

    public SourceRecord? Next()
    {
        if (next == files.Length)
        {
            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return null;
        }
        var file = files[next++];
        var name = Path.GetFileName(file);
        var bytes = File.ReadAllBytes(file);
        hash.AppendData(Encoding.UTF8.GetBytes(name));
        hash.AppendData(bytes);
        string text;
        try { text = Strict.GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { throw new BadInputException($"{file}: not valid UTF-8; convert it to UTF-8 or remove it."); }
        return new SourceRecord(new Dictionary<string, FieldValue>
        {
            ["text"] = FieldValue.OfString(text),
            ["file"] = FieldValue.OfString(name),
        }, file);
    }

    public void Dispose() => hash.Dispose();
}
