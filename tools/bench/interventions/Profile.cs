using System.Globalization;
using System.Text.Json;
using Analysis.Extraction;
using Analysis.Onnx;
using Ort = Microsoft.ML.OnnxRuntime;

/// <summary>
/// Where an edited forward pass spends its time: ONNX Runtime's own profiler (official API) over the clean model and the
/// model carrying steering on every residual stream and replacement on every MLP activation, fed neutral; kernel time
/// summed per operator type, and the time of the edits' own nodes.
/// </summary>
internal static class Profile
{
    public static void Run(string model, string dir, IReadOnlyList<string> residPost, IReadOnlyList<string> mlpPost, int[][] rows, int iterations, bool broadcastSteering)
    {
        Directory.CreateDirectory(dir);
        var loaded = OnnxModel.Load(model);
        loaded.SelectNoCacheBranch();
        var map = HookDiscovery.Discover(loaded);
        foreach (var h in residPost) loaded.AddSteering(map.Find(h)!, "steer." + h);
        foreach (var h in mlpPost) loaded.AddReplacement(map.Find(h)!, "replace." + h);
        var edited = Path.Combine(dir, "every.onnx");
        loaded.Save(edited);
        // The inexact alternative to Where, for comparison: x·keep + values as two broadcast inputs of one value each.
        var alternative = OnnxModel.Load(model);
        alternative.SelectNoCacheBranch();
        foreach (var h in residPost) alternative.AddSteering(map.Find(h)!, "steer." + h);
        foreach (var h in mlpPost)
        {
            alternative.InsertAfter(map.Find(h)!, "Mul", "muladd." + h + ".keep", [Dim.Of(1)]);
            alternative.InsertAfter(map.Find(h)!, "Add", "muladd." + h + ".values", [Dim.Of(1)]);
        }
        var mulAdd = Path.Combine(dir, "every-muladd.onnx");
        alternative.Save(mulAdd);
        var totals = new Dictionary<string, double>();
        foreach (var (name, path) in new[] { ("clean", model), ("every", edited), ("every-muladd", mulAdd) })
        {
            // The prefix first: enabling profiling fixes the output path.
            using var options = new Ort.SessionOptions { ProfileOutputPathPrefix = Path.Combine(dir, name) };
            options.EnableProfiling = true;
            using var session = new Ort.InferenceSession(path, options);
            var (names, values) = Feeds(session, rows, broadcastSteering);
            for (var i = 0; i < iterations; i++)
            {
                using var r = session.Run(new Ort.RunOptions(), names, values, session.OutputNames.Take(1).ToArray());
            }
            var file = session.EndProfiling();
            foreach (var v in values) v.Dispose();
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var byOp = new Dictionary<string, double>();
            var editOps = new Dictionary<string, double>();
            double edits = 0, all = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.GetProperty("cat").GetString() != "Node" || !e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
                var us = e.GetProperty("dur").GetDouble() / iterations;
                var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                byOp[op] = byOp.GetValueOrDefault(op) + us;
                all += us;
                var node = e.GetProperty("name").GetString()!;
                if (node.Contains(".steer", StringComparison.Ordinal) || node.Contains(".replace", StringComparison.Ordinal) || node.Contains("muladd.", StringComparison.Ordinal))
                {
                    edits += us;
                    editOps[op] = editOps.GetValueOrDefault(op) + us;
                }
            }
            totals[name] = all;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: kernel time {all / 1000:0.0} ms/pass, of which the edits' own nodes {edits / 1000:0.00} ms ({edits / all:P1})"));
            if (editOps.Count > 0)
                Console.WriteLine("    edits: " + string.Join(", ", editOps.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / 1000:0.00} ms"))));
            foreach (var (op, us) in byOp.OrderByDescending(p => p.Value).Take(12))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {op,-24} {us / 1000,9:0.00} ms"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kernel-time ratio every/clean: {totals["every"] / totals["clean"]:0.000}, every-muladd/clean {totals["every-muladd"] / totals["clean"]:0.000}"));
    }

    private static (string[] Names, Ort.OrtValue[] Values) Feeds(Ort.InferenceSession session, int[][] rows, bool broadcastSteering)
    {
        int b = rows.Length, t = rows[0].Length;
        var names = new List<string>();
        var values = new List<Ort.OrtValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            names.Add(name);
            var d = meta.Dimensions.Length > 0 ? meta.Dimensions[^1] : 1;
            values.Add(name switch
            {
                "input_ids" => Ort.OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r.Select(x => (long)x)).ToArray(), [b, t]),
                "attention_mask" => Ort.OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, b * t).ToArray(), [b, t]),
                "position_ids" => Ort.OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, b * t).Select(i => (long)(i % t)).ToArray(), [b, t]),
                _ when name.EndsWith(".vector", StringComparison.Ordinal) => Ort.OrtValue.CreateTensorValueFromMemory(new float[(broadcastSteering ? 1 : b) * d], [broadcastSteering ? 1 : b, d]),
                _ when name.EndsWith(".positions", StringComparison.Ordinal) => broadcastSteering
                    ? Ort.OrtValue.CreateTensorValueFromMemory(new float[1], [1, 1]) : Ort.OrtValue.CreateTensorValueFromMemory(new float[b * t], [b, t]),
                _ when name.StartsWith("muladd.", StringComparison.Ordinal) => Ort.OrtValue.CreateTensorValueFromMemory(new[] { name.EndsWith(".keep", StringComparison.Ordinal) ? 1f : 0f }, [1]),
                _ when name.EndsWith(".keep", StringComparison.Ordinal) => Ort.OrtValue.CreateTensorValueFromMemory(new[] { true }, Enumerable.Repeat(1L, meta.Dimensions.Length).ToArray()),
                _ when name.EndsWith(".values", StringComparison.Ordinal) => Ort.OrtValue.CreateTensorValueFromMemory(new float[1], Enumerable.Repeat(1L, meta.Dimensions.Length).ToArray()),
                _ => throw new InvalidOperationException($"The profile does not know how to feed input '{name}'."),
            });
        }
        return ([.. names], [.. values]);
    }
}
