using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/CeasefireWatch.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(CeasefireWatch.Bench.EscalationPolicyBenchmarks).Assembly).Run(args);
