using CeasefireWatch.Web.Features.Incidents;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CeasefireWatch.Web.Api;

/// <summary>The incident calls of CONTRACT.md, each sending the same mediator request as the pages.</summary>
internal static class IncidentsApi
{
    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Incidents");

        incidents.MapPost("/", async Task<Created<IncidentDto>> (LogIncident.Command command, IMediator mediator, CancellationToken ct) =>
        {
            var incident = await mediator.Send(command, ct);
            return TypedResults.Created($"/api/incidents/{incident.Id}", incident);
        }).WithSummary("Log an incident from its first violation report");

        incidents.MapGet("/{id:int}", async (int id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetIncident.Query(id), ct)))
            .WithSummary("One incident with its timeline and reports");

        incidents.MapGet("/", async ([AsParameters] ListIncidents.Query query, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(query, ct)))
            .WithSummary("Incidents matching the filters, a page at a time: { items, total }");

        incidents.MapPost("/{id:int}/reports", async Task<Created<IncidentDto>> (int id, AddFollowUpReport.Command command, IMediator mediator, CancellationToken ct) =>
        {
            var incident = await mediator.Send(command with { IncidentId = id }, ct);
            return TypedResults.Created($"/api/incidents/{incident.Id}", incident);
        }).WithSummary("Add a follow-up report");

        incidents.MapPost("/{id:int}/notes", async (int id, AddNote.Command command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct)))
            .WithSummary("Add a note to the timeline");

        incidents.MapPost("/{id:int}/diplomatic-warning", async (int id, RecordDiplomaticWarning.Command? command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send((command ?? new RecordDiplomaticWarning.Command(null)) with { IncidentId = id }, ct)))
            .WithSummary("Record that the diplomatic warning was issued");

        incidents.MapPost("/{id:int}/resolve", async (int id, ResolveIncident.Command? command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send((command ?? new ResolveIncident.Command(null, null)) with { IncidentId = id }, ct)))
            .WithSummary("Hostilities ceased: stop the clock");

        incidents.MapPost("/{id:int}/reopen", async (int id, ReopenIncident.Command command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct)))
            .WithSummary("Hostilities resumed: the clock runs again");

        incidents.MapPost("/{id:int}/escalate", async (int id, EscalateIncident.Command command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct)))
            .WithSummary("Escalate to the next tier early, with a reason");

        incidents.MapPost("/{id:int}/reports/{reportId:long}/verify", async (int id, long reportId, VerifyReport.Command? command, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send((command ?? new VerifyReport.Command(null)) with { IncidentId = id, ReportId = reportId }, ct)))
            .WithSummary("Confirm one of the incident's reports (Supervisor)");

        return api;
    }
}
