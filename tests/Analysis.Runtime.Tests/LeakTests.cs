using Xunit.Abstractions;

namespace Analysis.Runtime.Tests;

/// <summary>Native memory stays flat over thousands of session lifetimes: every native object is released.</summary>
[Collection(nameof(LeakTests))]
public class LeakTests(ITestOutputHelper output)
{
    private const int Cycles = 3200;
    private const int Checkpoints = 8;
    private const long AllowedMallocGrowth = 2 << 20; // a leaked session per cycle would be ~50x this
    private const long AllowedResidentGrowth = 16 << 20; // RSS also moves with the GC's heap and glibc's page reuse
    private static readonly SessionOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    [Fact]
    public void Thousands_of_sessions_runs_and_bindings_leave_resident_memory_flat()
    {
        var path = TestData.NodeModel("test_add");
        var model = File.ReadAllBytes(path);
        var strings = Models.Identity(TensorElementType.String, 2);
        var x = Enumerable.Range(0, 60).Select(i => (float)i).ToArray();
        var sum = new float[60];
        var inputs = new Dictionary<string, Tensor> { ["x"] = Tensor.Create(x, 3, 4, 5), ["y"] = Tensor.Create(x, 3, 4, 5) };

        void Cycle(int i)
        {
            using var session = i % 2 == 0 ? InferenceSession.FromBytes(model, Options) : InferenceSession.Open(path, Options);
            using (var results = session.Run(inputs)) Assert.Equal(2 * x[i % 60], results[0].AsSpan<float>()[i % 60]);
            using (var binding = session.CreateBinding())
            {
                binding.BindInput("x", inputs["x"]);
                binding.BindInput("y", inputs["y"]);
                binding.BindOutput("sum", Tensor.Create(sum, 3, 4, 5));
                binding.Run();
                using var outputs = binding.GetOutputs();
            }
            if (i % 10 == 0)
            {
                using var text = InferenceSession.FromBytes(strings, Options);
                using var r = text.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.FromStrings(["a", $"b{i}"], 2) });
                Assert.Equal($"b{i}", r[0].ToStrings()[1]);
            }
        }

        for (var i = 0; i < 500; i++) Cycle(i); // warm-up: ORT's arenas, JIT, pools reach their steady size
        // Checkpoints every few hundred cycles. Live malloc memory moves in steps of a few MiB as the runtime's own
        // caches (JIT tiering, thread-local caches) come and go, so compare the lowest of the first and last checkpoints:
        // a leak raises the floor, noise does not.
        var malloc = new List<long>();
        var resident = new List<long>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Cycles; i++)
        {
            Cycle(i);
            if ((i + 1) % (Cycles / Checkpoints) != 0) continue;
            NativeMemory.Settle();
            malloc.Add(NativeMemory.MallocLiveBytes());
            resident.Add(NativeMemory.ResidentBytes());
        }
        var elapsed = clock.Elapsed;
        var mallocGrowth = malloc.TakeLast(3).Min() - malloc.Take(3).Min();
        var residentGrowth = resident.TakeLast(3).Min() - resident.Take(3).Min();
        var mallocAfter = malloc[^1];
        output.WriteLine($"{Cycles} cycles (session create + Run + IoBinding run; a string model every 10th) in {elapsed.TotalSeconds:F1} s");
        output.WriteLine($"malloc live KiB at checkpoints: {string.Join(" ", malloc.Select(b => b >> 10))}; floor growth {mallocGrowth / 1024.0:F0} KiB");
        output.WriteLine($"RSS MiB at checkpoints: {string.Join(" ", resident.Select(b => b >> 20))}; floor growth {residentGrowth >> 20} MiB");

        // The probe is sensitive: a session kept alive instead of disposed costs this much malloc memory, so leaking
        // even a fraction of one per cycle would exceed the bound many times over.
        var kept = new List<InferenceSession>();
        for (var i = 0; i < 200; i++) kept.Add(InferenceSession.FromBytes(model, Options));
        NativeMemory.Settle();
        var perSession = (NativeMemory.MallocLiveBytes() - mallocAfter) / kept.Count;
        foreach (var s in kept) s.Dispose();
        output.WriteLine($"a session kept alive holds {perSession / 1024.0:F1} KiB of malloc memory: one leaked per cycle would be {perSession * Cycles >> 20} MiB");

        Assert.True(perSession * Cycles > 20 * AllowedMallocGrowth, $"the probe is too coarse: a session holds only {perSession} bytes");
        Assert.True(mallocGrowth < AllowedMallocGrowth, $"malloc'd memory grew by {mallocGrowth >> 10} KiB over {Cycles} cycles");
        Assert.True(residentGrowth < AllowedResidentGrowth, $"resident memory grew by {residentGrowth >> 20} MiB over {Cycles} cycles");
    }
}

/// <summary>Runs the leak test alone, after the parallel tests: their allocations would blur the measurement.</summary>
[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public class LeakTestsCollection;
