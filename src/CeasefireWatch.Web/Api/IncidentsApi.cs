using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CeasefireWatch.Web.Api;

/// <summary>
/// The incident calls of CONTRACT.md, each sending the same mediator request as the pages. Each call is a named
/// method (its name is the OpenAPI operation id) with the problems it can answer declared for the API reference.
/// </summary>
internal static class IncidentsApi
{
    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Incidents").ProducesProblem(StatusCodes.Status401Unauthorized);

        incidents.MapPost("/", LogIncidentAsync).WithName("LogIncident").RequiresPolicyOf<LogIncident.Command>()
            .WithSummary("Log an incident from its first violation report")
            .WithDescription("Tiers already due (a report typed in late) are entered at once, each with the instant it fell due.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);

        incidents.MapGet("/{id:int}", GetIncidentAsync).WithName("GetIncident")
            .WithSummary("One incident with its timeline and reports")
            .ProducesProblem(StatusCodes.Status404NotFound);

        incidents.MapGet("/", ListIncidentsAsync).WithName("ListIncidents")
            .WithSummary("Incidents matching the filters, a page at a time: { items, total }")
            .ProducesValidationProblem();

        incidents.MapPost("/{id:int}/reports", AddFollowUpReportAsync).WithName("AddFollowUpReport").RequiresPolicyOf<AddFollowUpReport.Command>()
            .WithSummary("Add a follow-up report")
            .WithDescription("A violation earlier than the first moves T0 earlier, and every deadline still ahead with it.")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/notes", AddNoteAsync).WithName("AddNote").RequiresPolicyOf<AddNote.Command>()
            .WithSummary("Add a note to the timeline")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/diplomatic-warning", RecordDiplomaticWarningAsync).WithName("RecordDiplomaticWarning").RequiresPolicyOf<RecordDiplomaticWarning.Command>()
            .WithSummary("Record that the diplomatic warning was issued")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/resolve", ResolveAsync).WithName("ResolveIncident").RequiresPolicyOf<ResolveIncident.Command>()
            .WithSummary("Hostilities ceased: stop the clock (Supervisor)")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/reopen", ReopenAsync).WithName("ReopenIncident").RequiresPolicyOf<ReopenIncident.Command>()
            .WithSummary("Hostilities resumed: the clock runs again (Supervisor)")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/escalate", EscalateAsync).WithName("EscalateIncident").RequiresPolicyOf<EscalateIncident.Command>()
            .WithSummary("Escalate ahead of the clock, with a reason (Supervisor)")
            .ProducesChangeProblems();

        incidents.MapPost("/{id:int}/reports/{reportId:long}/verify", VerifyReportAsync).WithName("VerifyReport").RequiresPolicyOf<VerifyReport.Command>()
            .WithSummary("Confirm one of the incident's reports (Supervisor)")
            .ProducesChangeProblems();

        return api;
    }

    /// <summary>400 a field, 403 the role, 404 no such incident, 409 not in the incident's state.</summary>
    private static RouteHandlerBuilder ProducesChangeProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>Log an incident from its first violation report.</summary>
    public static async Task<Created<IncidentDto>> LogIncidentAsync(LogIncident.Command command, IMediator mediator, CancellationToken ct)
    {
        var incident = await mediator.Send(command, ct);
        return TypedResults.Created($"/api/incidents/{incident.Id}", incident);
    }

    /// <summary>One incident with its timeline and reports.</summary>
    public static async Task<Ok<IncidentDetailsDto>> GetIncidentAsync(int id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetIncident.Query(id), ct));

    /// <summary>Incidents matching the filters, a page at a time.</summary>
    public static async Task<Ok<PagedResult<IncidentDto>>> ListIncidentsAsync(
        [AsParameters] ListParameters query, IMediator mediator, IValidator<ListIncidents.Query> validator, CancellationToken ct)
    {
        var values = new QueryValues();
        var request = new ListIncidents.Query(query.Status, query.Stage, query.Oblast, query.From, query.To,
            values.WholeNumber(query.Page, "page"), values.WholeNumber(query.PageSize, "pageSize"), query.Verification, query.Overdue);
        await values.ThrowIfInvalidAsync(request, validator, ct);
        return TypedResults.Ok(await mediator.Send(request, ct));
    }

    /// <summary>
    /// The list call's query as CONTRACT.md names it. The incident list page also searches and sorts (q, sort); those
    /// are the page's, not part of the contract, so the API does not take them. Page and PageSize are text, read by
    /// <see cref="QueryValues"/> so that one that does not parse is named in the 400.
    /// </summary>
    // Properties rather than a positional record: the Request Delegate Generator binds [AsParameters] through a
    // positional record's constructor, and its code for nullable strings there does not compile (CS8639, typeof(string?)).
    // Each named as the contract spells it, so the OpenAPI document lists `status`, not the property's `Status` (binding
    // ignores case either way).
    public sealed record ListParameters
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

        [FromQuery(Name = "page")]
        public string? Page { get; init; }

        [FromQuery(Name = "pageSize")]
        public string? PageSize { get; init; }

        [FromQuery(Name = "verification")]
        public string? Verification { get; init; }

        [FromQuery(Name = "overdue")]
        public string? Overdue { get; init; }
    }

    /// <summary>Add a follow-up report.</summary>
    public static async Task<Created<IncidentDto>> AddFollowUpReportAsync(
        int id, AddFollowUpReport.Command command, IMediator mediator, CancellationToken ct)
    {
        var incident = await mediator.Send(command with { IncidentId = id }, ct);
        return TypedResults.Created($"/api/incidents/{incident.Id}", incident);
    }

    /// <summary>Add a note to the timeline.</summary>
    public static async Task<Ok<IncidentDto>> AddNoteAsync(int id, AddNote.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    /// <summary>Record that the diplomatic warning was issued; the body is optional.</summary>
    public static async Task<Ok<IncidentDto>> RecordDiplomaticWarningAsync(
        int id, RecordDiplomaticWarning.Command? command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((command ?? new RecordDiplomaticWarning.Command(null)) with { IncidentId = id }, ct));

    /// <summary>Hostilities ceased; the body is optional (ceasedAt defaults to now).</summary>
    public static async Task<Ok<IncidentDto>> ResolveAsync(int id, ResolveIncident.Command? command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((command ?? new ResolveIncident.Command(null, null)) with { IncidentId = id }, ct));

    /// <summary>Hostilities resumed.</summary>
    public static async Task<Ok<IncidentDto>> ReopenAsync(int id, ReopenIncident.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    /// <summary>Escalate early. The command is bound whole, so every field it has (reason, the tier to enter) arrives.</summary>
    public static async Task<Ok<IncidentDto>> EscalateAsync(int id, EscalateIncident.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    /// <summary>Confirm one report; the body is optional.</summary>
    public static async Task<Ok<IncidentDto>> VerifyReportAsync(
        int id, long reportId, VerifyReport.Command? command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((command ?? new VerifyReport.Command(null)) with { IncidentId = id, ReportId = reportId }, ct));
}
