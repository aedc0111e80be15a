using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Export;

namespace CeasefireWatch.Bench;

/// <summary>
/// What a correct export costs: CsvHelper with RFC 4180 quoting and the formula guard, streamed, against a
/// naive writer that joins the fields with commas (and would produce a broken, unsafe file).
/// </summary>
[MemoryDiagnoser]
public class TimelineCsvBenchmarks
{
    private const int Rows = 10_000;
    private TimelineCsvRow[] rows = [];

    [GlobalSetup]
    public void Setup()
    {
        var t0 = new DateTime(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);
        rows = [.. Enumerable.Range(0, Rows).Select(i => new TimelineCsvRow
        {
            IncidentReference = Incident.FormatReference(i / 5 + 1),
            IncidentTitle = i % 7 == 0 ? "=HYPERLINK(\"http://x\") Обстріл Гуляйполя" : $"Shelling of Huliaipole, \"east\" {i}",
            AtUtc = t0.AddMinutes(i),
            Kind = (TimelineKind)(i % 7),
            Stage = (Stage)(i % 3 + 1),
            Actor = i % 2 == 0 ? "escalation-engine" : "analyst@example.org",
            Details = "Serious Shelling at Гуляйполе, Zaporizhzhia; source MonitoringDrone.\nKilled 0, wounded 2.",
            DueAtUtc = i % 3 == 0 ? t0.AddHours(24) : null,
            IncidentId = i / 5 + 1,
            Oblast = "Zaporizhzhia",
            IncidentStatus = IncidentStatus.Active,
            IncidentStage = Stage.Coalition,
            IncidentOccurredAtUtc = t0,
        })];
    }

    [Benchmark(Baseline = true)]
    public async Task<long> NaiveJoin()
    {
        using var stream = new MemoryStream();
        await using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
        {
            await writer.WriteLineAsync("incident_reference,incident_title,at_utc,kind,stage,actor,details,due_at_utc,incident_id,oblast,incident_status,incident_stage,incident_occurred_at_utc");
            foreach (var r in rows)
            {
                await writer.WriteLineAsync(string.Join(',',
                    r.IncidentReference, r.IncidentTitle, r.AtUtc.ToString("O", CultureInfo.InvariantCulture), r.Kind, r.Stage, r.Actor,
                    r.Details, r.DueAtUtc?.ToString("O", CultureInfo.InvariantCulture), r.IncidentId, r.Oblast, r.IncidentStatus,
                    r.IncidentStage, r.IncidentOccurredAtUtc.ToString("O", CultureInfo.InvariantCulture)));
            }
        }

        return stream.Length;
    }

    [Benchmark]
    public async Task<long> CsvHelperWithFormulaGuard()
    {
        using var stream = new MemoryStream();
        await TimelineCsv.WriteAsync(stream, Stream(), CancellationToken.None);
        return stream.Length;
    }

    private async IAsyncEnumerable<TimelineCsvRow> Stream()
    {
        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }
}
