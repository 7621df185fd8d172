// Same models, same methodology as bench.mjs: one intra-op thread, warm-up, then the median of timed runs.
// Usage: dotnet run -c Release -- MODEL_DIR ; prints one JSON line per model.
using System.Diagnostics;
using Analysis.Runtime;

var dir = args[0];
Measure("add.onnx", 20000, () => new() { ["x"] = Input(3, 4, 5), ["y"] = Input(3, 4, 5) });
Measure("mlp.onnx", 200, () => new() { ["x"] = Input(1, 64, 512) });

void Measure(string model, int runs, Func<Dictionary<string, Tensor>> feeds)
{
    using var session = InferenceSession.Open(Path.Combine(dir, model), new SessionOptions { IntraOpThreads = 1, InterOpThreads = 1 });
    var inputs = feeds();
    for (var i = 0; i < runs / 10; i++) session.Run(inputs).Dispose();
    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var start = Stopwatch.GetTimestamp();
        using var results = session.Run(inputs);
        if (results[0].AsSpan<float>().Length == 0) throw new InvalidOperationException("empty output");
        times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    Array.Sort(times);
    Console.WriteLine($"{{\"model\": \"{model}\", \"median_us\": {times[runs / 2]:F2}}}");
}

static Tensor Input(params long[] shape)
{
    var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
    for (var i = 0; i < data.Length; i++) data[i] = i % 17 * 0.01f;
    return Tensor.Create(data, shape);
}
