// Per-call latency of Analysis.Runtime against the official managed API it wraps (Microsoft.ML.OnnxRuntime's
// InferenceSession.Run over OrtValues, no wrapper), same process, same models, same library: one intra-op thread,
// warm-up, then the median of timed runs, the two interleaved in rounds so machine noise hits both alike.
// Usage: dotnet Bench.dll MODEL_DIR ; prints one JSON line per model.
using System.Diagnostics;
using Analysis.Runtime;
using Ort = Microsoft.ML.OnnxRuntime;

var dir = args[0];
Measure("add.onnx", 20000, [[3, 4, 5], [3, 4, 5]], ["x", "y"]);
Measure("mlp.onnx", 200, [[1, 64, 512]], ["x"]);

void Measure(string model, int runs, long[][] shapes, string[] names)
{
    var path = Path.Combine(dir, model);
    var data = shapes.Select(Data).ToArray();
    using var ours = InferenceSession.Open(path, new SessionOptions { IntraOpThreads = 1, InterOpThreads = 1 });
    var inputs = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => Tensor.Create(data[p.i], shapes[p.i]));
    using var options = new Ort.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
    using var official = new Ort.InferenceSession(path, options);
    using var runOptions = new Ort.RunOptions();
    var values = data.Select((d, i) => Ort.OrtValue.CreateTensorValueFromMemory(d, shapes[i])).ToArray();
    var outputNames = official.OutputNames.ToArray();

    double Ours()
    {
        var start = Stopwatch.GetTimestamp();
        using var results = ours.Run(inputs);
        if (results[0].AsSpan<float>().Length == 0) throw new InvalidOperationException("empty output");
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    double Baseline()
    {
        var start = Stopwatch.GetTimestamp();
        using var results = official.Run(runOptions, names, values, outputNames);
        if (results[0].GetTensorDataAsSpan<float>().Length == 0) throw new InvalidOperationException("empty output");
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    for (var i = 0; i < runs / 10; i++) { Ours(); Baseline(); }
    var a = new List<double>(runs);
    var b = new List<double>(runs);
    for (var round = 0; round < 10; round++)
    {
        for (var i = 0; i < runs / 10; i++) a.Add(Ours());
        for (var i = 0; i < runs / 10; i++) b.Add(Baseline());
    }
    foreach (var v in values) v.Dispose();
    Console.WriteLine($"{{\"model\": \"{model}\", \"ours_us\": {Median(a):F2}, \"official_us\": {Median(b):F2}}}");
}

static double Median(List<double> times)
{
    times.Sort();
    return times[times.Count / 2];
}

static float[] Data(long[] shape)
{
    var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
    for (var i = 0; i < data.Length; i++) data[i] = i % 17 * 0.01f;
    return data;
}
