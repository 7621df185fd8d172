using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Sae;

// data DIR D M B STEPS       write init.bin (W_dec rows, b_dec) and batches.bin [STEPS × B × D], float32
// ours DIR D M K B STEPS     train STEPS steps from that init on those batches; print one JSON line
// onnx DIR D M K B STEPS [DEVICE]   the same with the ONNX Runtime engine (OnnxSaeTrainer) on DEVICE (default cpu)
// dataset DIR ROWS D         write a Parquet dataset of ROWS random rows (row groups of 16,384)
// rss DIR D                  train a TopK SAE on DIR for a fixed budget with a 16 MiB shuffle buffer; print peak RSS
var inv = CultureInfo.InvariantCulture;
int I(int i) => int.Parse(args[i], inv);
switch (args[0])
{
    case "data":
    {
        var (dir, d, m, b, steps) = (args[1], I(2), I(3), I(4), I(5));
        Directory.CreateDirectory(dir);
        var rng = new Random(1);
        // Activations with structure: a sparse mix of 4,096 random directions plus noise, so loss curves mean something.
        var atoms = new float[4096 * d];
        for (var i = 0; i < atoms.Length; i++) atoms[i] = (float)((rng.NextDouble() - 0.5) * 2 / Math.Sqrt(d / 3.0));
        var x = new float[(long)steps * b * d];
        for (long r = 0; r < (long)steps * b; r++)
        {
            for (var a = 0; a < 16; a++)
            {
                var atom = rng.Next(4096); var w = (float)rng.NextDouble() * 2;
                for (var t = 0; t < d; t++) x[r * d + t] += w * atoms[atom * d + t];
            }
            for (var t = 0; t < d; t++) x[r * d + t] += (float)(rng.NextDouble() - 0.5) * 0.1f;
        }
        var centre = new float[d];
        for (var r = 0; r < b; r++) for (var t = 0; t < d; t++) centre[t] += x[(long)r * d + t] / b;
        var init = SaeWeights.Initial(d, m, centre, 7);
        File.WriteAllBytes(Path.Combine(dir, "dec_rows.bin"), MemoryMarshal.AsBytes(init.DecoderRows.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(dir, "dec_bias.bin"), MemoryMarshal.AsBytes(init.DecoderBias.AsSpan()).ToArray());
        using var f = File.Create(Path.Combine(dir, "batches.bin"));
        f.Write(MemoryMarshal.AsBytes(x.AsSpan()));
        break;
    }
    case "ours" or "onnx":
    {
        var (dir, d, m, k, b, steps) = (args[1], I(2), I(3), I(4), I(5), I(6));
        var dec = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, "dec_rows.bin"))).ToArray();
        var bias = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, "dec_bias.bin"))).ToArray();
        var x = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, "batches.bin"))).ToArray();
        var spec = new SaeSpec { DIn = d, DSae = m, K = k };
        var init = new SaeWeights(d, m, (float[])dec.Clone(), new float[m], dec, bias);
        var onnx = args[0] == "onnx" ? new OnnxSaeTrainer(spec, init, Device.Parse(args.Length > 7 ? args[7] : "cpu")) : null;
        var trainer = onnx is null ? new SaeTrainer(spec, init) : null;
        var batch = new float[b * d];
        var timed = 0.0; double loss = 0;
        for (var s = 0; s < steps; s++)
        {
            Array.Copy(x, (long)s * b * d, batch, 0, b * d);
            var clock = Stopwatch.StartNew();
            loss = onnx?.Step(batch, b, 1e-3).Loss ?? trainer!.Step(batch, b, 1e-3).Loss;
            if (s > 0) timed += clock.Elapsed.TotalSeconds; // the first step pays for JIT, first-touch allocation and (onnx) the state's upload
        }
        var impl = onnx is null ? "ours" : $"onnx-{onnx.Device}";
        onnx?.Dispose();
        Console.WriteLine(string.Create(inv, $"{{\"impl\":\"{impl}\",\"tokens_per_s\":{(steps - 1) * b / timed:0.0},\"last_loss\":{loss:0.000000},\"threads\":{Environment.ProcessorCount}}}"));
        break;
    }
    case "dataset":
    {
        var (dir, rows, d) = (args[1], I(2), I(3));
        Directory.CreateDirectory(dir);
        var rng = new Random(2);
        using var w = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"), [ParquetField.Int64("example_id"), ParquetField.FloatVector("hook", d)],
            new ParquetWriterOptions { Compression = ParquetCompression.Uncompressed, RowGroupSize = 1 });
        var block = new float[16_384 * d];
        for (var r0 = 0; r0 < rows; r0 += 16_384)
        {
            var n = Math.Min(16_384, rows - r0);
            for (var i = 0; i < n * d; i++) block[i] = (float)(rng.NextDouble() - 0.5);
            w.WriteInt64("example_id", Enumerable.Range(r0, n).Select(i => (long)i / 64).ToArray());
            w.WriteFloatVectors("hook", block.AsSpan(0, n * d));
            w.EndBatch();
        }
        w.Finish();
        break;
    }
    case "rss":
    {
        var (dir, d) = (args[1], I(2));
        var output = Path.Combine(Path.GetTempPath(), "sae-bench-rss-" + Guid.NewGuid().ToString("N"));
        var clock = Stopwatch.StartNew();
        var result = SaeTraining.Run(new SaeTrainingRequest
        {
            Data = dir, Hooks = ["hook"], Latents = [1024], K = [16], Tokens = 100 * 2048, BatchSize = 2048, LearningRate = 1e-3,
            ShuffleBufferBytes = 16L << 20, Output = output,
        });
        var hwm = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        Console.WriteLine(string.Create(inv, $"{{\"dataset\":\"{dir}\",\"peak_rss_kb\":{hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]},\"seconds\":{clock.Elapsed.TotalSeconds:0.0},\"fvu\":{result[0].Fvu:0.0000}}}"));
        Directory.Delete(output, true);
        break;
    }
    default:
        Console.Error.WriteLine("usage: data|ours|onnx|dataset|rss ...");
        return 2;
}
return 0;
