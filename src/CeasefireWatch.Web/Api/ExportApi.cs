using CeasefireWatch.Web.Features.Export;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Api;

/// <summary>
/// The CSV exports of CONTRACT.md, streamed row by row. Each takes <c>bom=true</c> to start with a UTF-8 byte-order
/// mark, which spreadsheets need to read Ukrainian text right; without it there is none, as scripts expect.
/// </summary>
internal static class ExportApi
{
    public static RouteGroupBuilder MapExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/incidents/{id:int}/timeline.csv", ExportIncidentTimelineAsync).WithName("ExportIncidentTimeline")
            .WithTags("Export").WithSummary("One incident's timeline as CSV")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();

        api.MapGet("/timeline.csv", ExportTimelinesAsync).WithName("ExportTimelines")
            .WithTags("Export").WithSummary("Every matching incident's timeline as CSV, streamed")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem();

        api.MapGet("/incidents.csv", ExportIncidentsAsync).WithName("ExportIncidents")
            .WithTags("Export").WithSummary("One row per matching incident, in the Incidents import format plus id, reference, stage, status")
            .WithDescription("Imported into an empty instance, the file yields the same incidents, with the tiers and due instants the policy gives their times; an early escalation, a hold, a merge or a dismissal is not read back.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem();

        return api;
    }

    /// <summary>One incident's timeline.</summary>
    public static Task ExportIncidentTimelineAsync(int id, string? bom, HttpContext http, IMediator mediator, TimeProvider clock)
    {
        var withBom = ReadBom(bom);
        return WriteCsvAsync(http, mediator.CreateStream(new ExportTimelines.Query(IncidentId: id), http.RequestAborted),
            TimelineCsv.FileName($"incident-{id}", clock.GetUtcNow().UtcDateTime),
            (body, rows, ct) => TimelineCsv.WriteAsync(body, rows, ct, withBom));
    }

    /// <summary>Every matching incident's timeline.</summary>
    public static async Task ExportTimelinesAsync(
        [AsParameters] FilterParameters filter, HttpContext http, IMediator mediator, IValidator<ExportTimelines.Query> validator, TimeProvider clock)
    {
        var values = new QueryValues();
        var withBom = values.Flag(filter.Bom, "bom");
        var query = new ExportTimelines.Query(
            filter.Status, filter.Stage, filter.Oblast, filter.From, filter.To, Verification: filter.Verification, Overdue: filter.Overdue, Q: filter.Q);
        await values.ThrowIfInvalidAsync(query, validator, http.RequestAborted);
        await WriteCsvAsync(http, mediator.CreateStream(query, http.RequestAborted),
            TimelineCsv.FileName("timelines", clock.GetUtcNow().UtcDateTime),
            (body, rows, ct) => TimelineCsv.WriteAsync(body, rows, ct, withBom));
    }

    /// <summary>Every matching incident, one row each.</summary>
    public static async Task ExportIncidentsAsync(
        [AsParameters] FilterParameters filter, HttpContext http, IMediator mediator, IValidator<ExportIncidents.Query> validator, TimeProvider clock)
    {
        var values = new QueryValues();
        var withBom = values.Flag(filter.Bom, "bom");
        var query = new ExportIncidents.Query(
            filter.Status, filter.Stage, filter.Oblast, filter.From, filter.To, filter.Verification, filter.Overdue, filter.Q);
        await values.ThrowIfInvalidAsync(query, validator, http.RequestAborted);
        await WriteCsvAsync(http, mediator.CreateStream(query, http.RequestAborted),
            TimelineCsv.FileName("incidents", clock.GetUtcNow().UtcDateTime),
            (body, rows, ct) => IncidentsCsv.WriteAsync(body, rows, withBom, ct));
    }

    /// <summary><c>bom</c>: absent or empty is false; anything but true or false is a 400 naming it.</summary>
    private static bool ReadBom(string? bom)
    {
        var values = new QueryValues();
        var withBom = values.Flag(bom, nameof(bom));
        values.ThrowIfInvalid();
        return withBom;
    }

    /// <summary>
    /// The filters both bulk exports take, and <c>bom</c>, as text: the export's validator names a bad filter, and
    /// <see cref="QueryValues"/> a <c>bom</c> that is not true or false (both in one answer).
    /// </summary>
    // Properties rather than a positional record: the Request Delegate Generator binds [AsParameters] through a
    // positional record's constructor, and its code for nullable strings there does not compile (CS8639, typeof(string?)).
    // Each named as the contract spells it, so the OpenAPI document lists `status`, not the property's `Status` (binding
    // ignores case either way).
    public sealed record FilterParameters
    {
        [FromQuery(Name = "status")]
        public string? Status { get; init; }

        [FromQuery(Name = "stage")]
        public string? Stage { get; init; }

        [FromQuery(Name = "oblast")]
        public string? Oblast { get; init; }

        [FromQuery(Name = "from")]
        public string? From { get; init; }

        [FromQuery(Name = "to")]
        public string? To { get; init; }

        [FromQuery(Name = "verification")]
        public string? Verification { get; init; }

        /// <summary>"true": only active incidents with a checklist item overdue, as the list's filter.</summary>
        [FromQuery(Name = "overdue")]
        public string? Overdue { get; init; }

        /// <summary>The list's search text.</summary>
        [FromQuery(Name = "q")]
        public string? Q { get; init; }

        [FromQuery(Name = "bom")]
        public string? Bom { get; init; }
    }

    /// <summary>
    /// Reads the first row before anything is written, so a bad filter or a missing incident still gets a
    /// proper 400/404 problem instead of a half-sent file; then streams the rest.
    /// </summary>
    private static async Task WriteCsvAsync<TRow>(
        HttpContext http, IAsyncEnumerable<TRow> rows, string fileName, Func<Stream, IAsyncEnumerable<TRow>, CancellationToken, Task> write)
    {
        var enumerator = rows.GetAsyncEnumerator(http.RequestAborted);
        try
        {
            var hasFirst = await enumerator.MoveNextAsync();
            http.Response.ContentType = TimelineCsv.ContentType;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await write(http.Response.Body, Continue(enumerator, hasFirst), http.RequestAborted);
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<TRow> Continue<TRow>(IAsyncEnumerator<TRow> started, bool hasCurrent)
    {
        for (var more = hasCurrent; more; more = await started.MoveNextAsync())
        {
            yield return started.Current;
        }
    }
}
