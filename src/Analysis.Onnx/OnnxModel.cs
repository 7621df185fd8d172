using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Onnx;

/// <summary>
/// An ONNX model in memory: the protobuf message plus the folder its external data files are relative to.
/// Loading never reads external weights unless asked (<see cref="ReadTensorData(string)"/>, <see cref="InlineExternalData"/>);
/// edits change <see cref="Proto"/> in place (use <see cref="Clone"/> to keep the original).
/// </summary>
public sealed partial class OnnxModel
{
    private const long MaxProtobufBytes = int.MaxValue;

    /// <summary>The model message; edit freely.</summary>
    public ModelProto Proto { get; }

    /// <summary>Absolute folder that external data locations are relative to, or null for a model held only in memory.</summary>
    public string? Directory { get; }

    /// <summary>A display name for messages: the file path, or "model bytes".</summary>
    public string Name { get; }

    /// <summary>The main graph.</summary>
    public GraphProto Graph => Proto.Graph;

    private OnnxModel(ModelProto proto, string? directory, string name)
    {
        Proto = proto;
        Directory = directory;
        Name = name;
    }

    /// <summary>Wraps a message built in code (checked like a loaded file).</summary>
    public static OnnxModel FromProto(ModelProto proto, string? directory = null)
    {
        var model = new OnnxModel(proto, directory is null ? null : Path.GetFullPath(directory), "model built in memory");
        model.Validate();
        return model;
    }

    /// <summary>Loads a model file; external data files are checked for presence and size but not read.</summary>
    public static OnnxModel Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Model file '{path}' does not exist; check the path.", full);
        var length = new FileInfo(full).Length;
        if (length == 0) throw new OnnxFormatException($"'{path}' is empty, not an ONNX model; check the path or re-export the model.");
        if (length > MaxProtobufBytes)
            throw new OnnxFormatException($"'{path}' is {length:N0} bytes, over protobuf's 2 GiB limit; save its weights as external data (onnx.save(..., save_as_external_data=True)).");
        // Parse from the stream: holding the file's bytes and the parsed message at once would double peak memory.
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Parse(() => ModelProto.Parser.ParseFrom(stream), Path.GetDirectoryName(full), path);
    }

    /// <summary>Parses model bytes; <paramref name="directory"/> resolves external data locations (null: none allowed to be read).</summary>
    public static OnnxModel FromBytes(ReadOnlyMemory<byte> bytes, string? directory = null, string? name = null)
    {
        return Parse(() => ModelProto.Parser.ParseFrom(bytes.Span), directory, name ?? "model bytes");
    }

    private static OnnxModel Parse(Func<ModelProto> parse, string? directory, string name)
    {
        ModelProto proto;
        try
        {
            proto = parse();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"'{name}' is not an ONNX model or is truncated ({e.Message.TrimEnd('.')}); check the path or re-export the model.", e);
        }
        var model = new OnnxModel(proto, directory is null ? null : Path.GetFullPath(directory), name);
        model.Validate();
        return model;
    }

    private void Validate()
    {
        // Protobuf parses most garbage as unknown fields, so check what every ONNX model must have.
        if (Proto.Graph is null || Proto.IrVersion <= 0)
            throw new OnnxFormatException($"'{Name}' is not an ONNX model (no graph or IR version); check the path or re-export the model.");
        if (Proto.OpsetImport.Count == 0 && Proto.IrVersion >= 3)
            throw new OnnxFormatException($"'{Name}' declares no operator set (opset_import is empty); re-export the model.");
        NodeArity.Check(Proto.Graph, Name);
        // Sizes come from the file: every tensor's shape must match its data before anything trusts either.
        foreach (var t in TensorWalk.All(Proto))
        {
            TensorSize.CheckInline(t, Name);
            if (ExternalDataReference.IsExternal(t)) CheckExternalFile(t, ExternalDataReference.Parse(t, Name));
        }
    }

    /// <summary>Every tensor stored outside the model file.</summary>
    public IReadOnlyList<ExternalDataReference> ExternalData =>
        TensorWalk.All(Proto).Where(ExternalDataReference.IsExternal).Select(t => ExternalDataReference.Parse(t, Name)).ToList();

    /// <summary>
    /// Absolute path of an external data location (relative to <see cref="Directory"/>); an absolute location, one with
    /// '..', or one that a symbolic link takes outside the folder throws <see cref="OnnxFormatException"/>.
    /// </summary>
    public string ResolveExternalPath(string location) => ResolveExternalPath(location, $"The external data of '{Name}'");

    private string ResolveExternalPath(string location, string what)
    {
        if (Directory is null)
            throw new OnnxFormatException($"'{Name}' refers to external data '{location}' but was loaded from bytes without a folder; load it from its file instead.");
        return ContainedPath.Resolve(Directory, location, what);
    }

    private void CheckExternalFile(TensorProto t, ExternalDataReference r)
    {
        if (Directory is null)
        {
            // The file is checked when the data is read or the model is saved next to its weights.
            TensorSize.CheckExternal(t, Name, r.Length);
            return;
        }
        var path = ResolveExternalPath(r.Location, ExternalDataReference.Describe(r.Tensor, Name));
        if (!File.Exists(path))
            throw new OnnxFormatException($"External data file '{path}' for tensor '{r.Tensor}' of '{Name}' is missing; keep weight files next to the model.");
        var size = new FileInfo(path).Length;
        if (r.Offset > size || (r.Length is { } n && n > size - r.Offset))
            throw new OnnxFormatException($"External data file '{path}' is {size:N0} bytes, too short for tensor '{r.Tensor}' (offset {r.Offset:N0}, length {r.Length:N0}); the file is truncated.");
        TensorSize.CheckExternal(t, Name, r.Length ?? size - r.Offset);
    }

    /// <summary>Finds an initializer of the main graph by name.</summary>
    public TensorProto GetInitializer(string name) =>
        Graph.Initializer.FirstOrDefault(t => t.Name == name) ?? throw new UnknownTensorException(name, $"the initializers of '{Name}'");

    /// <summary>Little-endian bytes of an initializer's data, read from its external file if it has one.</summary>
    public byte[] ReadTensorData(string name) => ReadTensorData(GetInitializer(name));

    /// <summary>Little-endian bytes of a tensor's data, read from its external file if it has one.</summary>
    public byte[] ReadTensorData(TensorProto tensor)
    {
        if (!ExternalDataReference.IsExternal(tensor)) return TensorData.ToRawBytes(tensor);
        var r = ExternalDataReference.Parse(tensor, Name);
        CheckExternalFile(tensor, r);
        var path = ResolveExternalPath(r.Location, ExternalDataReference.Describe(r.Tensor, Name));
        using var file = File.OpenRead(path);
        var length = r.Length ?? file.Length - r.Offset;
        if (length > Array.MaxLength)
            throw new OnnxFormatException($"Tensor '{tensor.Name}' is {length:N0} bytes, too large to read into one array.");
        var bytes = new byte[length];
        file.Position = r.Offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Reads every external tensor into the model (raw_data), so it no longer depends on weight files.</summary>
    public void InlineExternalData()
    {
        foreach (var t in TensorWalk.All(Proto).Where(ExternalDataReference.IsExternal).ToList())
        {
            var bytes = ReadTensorData(t);
            t.ExternalData.Clear();
            t.ClearDataLocation();
            t.RawData = ByteString.CopyFrom(bytes);
        }
    }

    /// <summary>A deep copy (external data stays referenced, not copied).</summary>
    public OnnxModel Clone() => new(Proto.Clone(), Directory, Name);

    /// <summary>The serialized model message.</summary>
    public byte[] ToBytes() => Proto.ToByteArray();

    /// <summary>
    /// Writes the model atomically (temporary file, then rename). Weight files are never copied or rewritten:
    /// saved next to them, references are unchanged; saved elsewhere, they are hard-linked into the new folder, and where
    /// that fails an <see cref="IOException"/> is thrown before anything is written (a location outside the folder would be refused on load).
    /// </summary>
    public SaveReport Save(string path, SaveOptions? options = null)
    {
        options ??= new SaveOptions();
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        if (!System.IO.Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot save to '{path}': folder '{folder}' does not exist; create it first.");

        var output = Proto.Clone();
        var links = new Dictionary<string, ExternalFileLink>(StringComparer.Ordinal);
        var created = new List<string>();
        try
        {
            foreach (var t in TensorWalk.All(output).Where(ExternalDataReference.IsExternal))
            {
                var r = ExternalDataReference.Parse(t, Name);
                CheckExternalFile(t, r);
                var source = ResolveExternalPath(r.Location, ExternalDataReference.Describe(r.Tensor, Name));
                if (!links.TryGetValue(source, out var link))
                    links[source] = link = PlaceExternalFile(source, folder, options, created);
                foreach (var entry in t.ExternalData)
                    if (entry.Key == "location") entry.Value = link.Location;
            }
        }
        catch
        {
            // A later weight file that cannot be placed leaves no links from this call behind.
            foreach (var link in created) File.Delete(link);
            throw;
        }

        var bytes = output.ToByteArray();
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return new SaveReport(target, bytes.Length, links.Values.ToList());
    }

    private static ExternalFileLink PlaceExternalFile(string source, string folder, SaveOptions options, List<string> created)
    {
        var relative = Path.GetRelativePath(folder, source);
        if (!IsOutside(relative)) return new ExternalFileLink(source, ToPosix(relative), ExternalLinkKind.SameFolder);
        if (options.HardLinkExternalData)
        {
            var name = Path.GetFileName(source);
            for (var i = 0; i < 100; i++)
            {
                var candidate = i == 0 ? name : $"{name}.{i}";
                var linkPath = Path.Combine(folder, candidate);
                if (File.Exists(linkPath))
                {
                    if (LooksLikeSameFile(linkPath, source)) return new ExternalFileLink(source, candidate, ExternalLinkKind.HardLink);
                    continue;
                }
                if (HardLink.TryCreate(source, linkPath))
                {
                    created.Add(linkPath);
                    return new ExternalFileLink(source, candidate, ExternalLinkKind.HardLink);
                }
                break;
            }
        }
        // A location outside the model's folder would be refused by every loader that follows the containment rule
        // (ours, onnx ≥ 1.16, ONNX Runtime ≥ 1.24), so such a model is not written at all.
        throw new IOException($"Cannot save the model into '{folder}': its weight file '{source}' could not be hard-linked there (another file system?), and a reference outside the model's folder would be refused on load; save into the weights' folder or onto the same file system.");
    }

    // Hard links share one inode, so size and modification time agree; a different file almost never matches both.
    private static bool LooksLikeSameFile(string a, string b)
    {
        FileInfo x = new(a), y = new(b);
        return x.Length == y.Length && x.LastWriteTimeUtc == y.LastWriteTimeUtc;
    }

    private static bool IsOutside(string relative) =>
        Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string ToPosix(string path) => path.Replace(Path.DirectorySeparatorChar, '/');
}
