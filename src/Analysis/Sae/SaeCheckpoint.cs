using System.Runtime.InteropServices;
using System.Text.Json;

namespace Analysis.Sae;

/// <summary>
/// Everything a run needs to continue exactly: per SAE its weights, Adam moments, step count and firing history; for
/// the run, the step and the input scales. Written as a new folder that replaces the old one, so a kill at any moment
/// leaves one complete checkpoint (the data order is replayed from the seed, not stored).
/// </summary>
internal static class SaeCheckpoint
{
    public const string Folder = "_checkpoint";
    private const string StateFile = "state.json";

    public sealed record State(long Step, double[] Scales, double TrainSeconds);

    public static void Write(string output, State state, IReadOnlyList<SaeTrainer> trainers)
    {
        var final = Path.Combine(output, Folder);
        var fresh = final + ".new";
        if (Directory.Exists(fresh)) Directory.Delete(fresh, true);
        Directory.CreateDirectory(fresh);
        for (var i = 0; i < trainers.Count; i++)
        {
            using var f = new FileStream(Path.Combine(fresh, $"sae-{i}.bin"), FileMode.CreateNew);
            using var w = new BinaryWriter(f);
            var t = trainers[i];
            w.Write(t.Steps); w.Write(t.Weights.Threshold);
            foreach (var a in Arrays(t)) { w.Write(a.Length); w.Write(MemoryMarshal.AsBytes(a.AsSpan())); }
            w.Write(t.TokensSinceFired.Length); w.Write(MemoryMarshal.AsBytes(t.TokensSinceFired.AsSpan()));
            w.Flush(); f.Flush(true);
        }
        File.WriteAllText(Path.Combine(fresh, StateFile), JsonSerializer.Serialize(state)); // last: marks the folder complete
        if (Directory.Exists(final)) Directory.Delete(final, true);
        Directory.Move(fresh, final);
    }

    /// <summary>The last complete checkpoint's state (restoring the trainers), or null when there is none.</summary>
    public static State? TryRead(string output, IReadOnlyList<SaeTrainer> trainers)
    {
        var folder = Path.Combine(output, Folder);
        if (!File.Exists(Path.Combine(folder, StateFile))) folder += ".new"; // killed between delete and rename
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) return null;
        var state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath)) ?? throw new InvalidDataException($"{statePath} is empty.");
        for (var i = 0; i < trainers.Count; i++)
        {
            using var r = new BinaryReader(File.OpenRead(Path.Combine(folder, $"sae-{i}.bin")));
            var t = trainers[i];
            t.Steps = r.ReadInt64(); t.Weights.Threshold = r.ReadSingle();
            foreach (var a in Arrays(t)) ReadInto(r, MemoryMarshal.AsBytes(a.AsSpan()), a.Length);
            ReadInto(r, MemoryMarshal.AsBytes(t.TokensSinceFired.AsSpan()), t.TokensSinceFired.Length);
        }
        return state;
    }

    public static void Delete(string output)
    {
        foreach (var f in new[] { Folder, Folder + ".new" })
            if (Directory.Exists(Path.Combine(output, f))) Directory.Delete(Path.Combine(output, f), true);
    }

    private static void ReadInto(BinaryReader r, Span<byte> into, int length)
    {
        if (r.ReadInt32() != length) throw new InvalidDataException("The checkpoint does not match the SAEs of this command; delete the output folder's _checkpoint to start over.");
        r.BaseStream.ReadExactly(into);
    }

    private static float[][] Arrays(SaeTrainer t) =>
    [
        t.Weights.EncoderRows, t.Weights.EncoderBias, t.Weights.DecoderRows, t.Weights.DecoderBias,
        t.Moments.EncoderRowsM, t.Moments.EncoderRowsV, t.Moments.EncoderBiasM, t.Moments.EncoderBiasV,
        t.Moments.DecoderRowsM, t.Moments.DecoderRowsV, t.Moments.DecoderBiasM, t.Moments.DecoderBiasV,
    ];
}
