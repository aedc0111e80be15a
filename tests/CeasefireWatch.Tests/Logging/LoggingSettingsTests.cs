using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Debugging;

namespace CeasefireWatch.Tests.Logging;

/// <summary>
/// The "Serilog" section is read against the assemblies the app names (<see cref="LoggingSettings"/>), not a scan
/// of its dependency manifest: every sink and formatter shipped must still be found by its name in the settings.
/// </summary>
public sealed class LoggingSettingsTests
{
    [Fact]
    public void The_shipped_settings_find_every_sink_they_name()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryFiles.WebProject, "appsettings.json"), optional: false, reloadOnChange: false)
            .Build();
        Assert.Empty(ProblemsReading(configuration));
    }

    [Theory]
    [InlineData("Console")]
    [InlineData("Debug")]
    [InlineData("File")]
    [InlineData("Async")]
    public void Every_shipped_sink_is_found_by_its_name(string sink)
    {
        var args = sink switch
        {
            "File" => new Dictionary<string, string?> { ["path"] = Path.Combine(Path.GetTempPath(), $"cw-log-{Guid.NewGuid():N}.log") },
            "Async" => new Dictionary<string, string?> { ["configure:0:Name"] = "Debug" },
            _ => [],
        };
        Assert.Empty(ProblemsReading(Settings(sink, args)));
    }

    /// <summary>The check above can fail: a name no shipped assembly holds is reported.</summary>
    [Fact]
    public void A_sink_no_shipped_assembly_holds_is_reported()
    {
        var problems = ProblemsReading(Settings("Seq", new() { ["serverUrl"] = "http://localhost:5341" }));
        Assert.Contains(problems, p => p.Contains("Seq", StringComparison.Ordinal));
    }

    /// <summary>An operator's own sink: its assembly named in <c>Using</c> is searched too (here, this test assembly's).</summary>
    [Fact]
    public void A_sink_from_an_assembly_named_in_Using_is_found()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:Using:0"] = typeof(CountingSinkSettings).Assembly.GetName().Name,
            ["Serilog:WriteTo:0:Name"] = nameof(CountingSinkSettings.Counting),
        }).Build();
        var before = CountingSinkSettings.Emitted;
        using (var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration, LoggingSettings.ReaderOptions(configuration)).CreateLogger())
        {
            logger.Information("Counted");
        }

        Assert.True(CountingSinkSettings.Emitted > before, "the sink named through Using was not configured");
    }

    [Fact]
    public void An_assembly_in_Using_that_is_not_there_stops_the_start_naming_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:Using:0"] = "Serilog.Sinks.NotInstalled",
        }).Build();
        var refused = Assert.Throws<SettingException>(() => LoggingSettings.ReaderOptions(configuration));
        Assert.Contains("Serilog.Sinks.NotInstalled", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_sink_behind_async_writes_compact_json_when_settings_ask_for_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cw-log-{Guid.NewGuid():N}.log");
        try
        {
            var configuration = Settings("Async", new()
            {
                ["configure:0:Name"] = "File",
                ["configure:0:Args:path"] = path,
                ["configure:0:Args:formatter"] = "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact",
            });
            await using (var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration, LoggingSettings.ReaderOptions(configuration)).CreateLogger())
            {
                logger.Information("Incident {Reference} entered {Stage}", "CW-00042", "Coalition");
            }

            var line = Assert.Single(await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken));
            using var json = JsonDocument.Parse(line);
            Assert.Equal("Incident {Reference} entered {Stage}", json.RootElement.GetProperty("@mt").GetString());
            Assert.Equal("CW-00042", json.RootElement.GetProperty("Reference").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IConfiguration Settings(string sink, Dictionary<string, string?> args)
    {
        var values = new Dictionary<string, string?> { ["Serilog:WriteTo:0:Name"] = sink };
        foreach (var (key, value) in args)
        {
            values[$"Serilog:WriteTo:0:Args:{key}"] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>
    /// What Serilog's own diagnostics say while the settings are read: a sink method it cannot find is reported
    /// there, not thrown. SelfLog is process-wide, so only lines naming a missing method are kept.
    /// </summary>
    private static List<string> ProblemsReading(IConfiguration configuration)
    {
        var problems = new List<string>();
        lock (SelfLogGate)
        {
            SelfLog.Enable(message =>
            {
                if (message.Contains("Unable to find", StringComparison.Ordinal))
                {
                    lock (problems)
                    {
                        problems.Add(message);
                    }
                }
            });
            try
            {
                using var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration, LoggingSettings.ReaderOptions(configuration)).CreateLogger();
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
            }
            finally
            {
                SelfLog.Disable();
            }
        }

        return problems;
    }

    private static readonly Lock SelfLogGate = new();
}

/// <summary>A sink outside the shipped assemblies, reachable only through <c>Serilog:Using</c>.</summary>
public static class CountingSinkSettings
{
    private static int emitted;

    public static int Emitted => Volatile.Read(ref emitted);

    public static LoggerConfiguration Counting(this Serilog.Configuration.LoggerSinkConfiguration writeTo) => writeTo.Sink(new Counter());

    private sealed class Counter : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => Interlocked.Increment(ref emitted);
    }
}
