using CeasefireWatch.Web.Features.Coalition;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CeasefireWatch.Web.Api;

/// <summary>
/// The response to an incident (CONTRACT.md): its verification, the coalition's answers, the tier checklists, the
/// larger-scale question, merging duplicates, and the coalition roster. Each sends the same request as the pages.
/// </summary>
internal static class ResponseApi
{
    public static RouteGroupBuilder MapResponseApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Response")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        incidents.MapPost("/{id:int}/verification", SetVerificationAsync).WithName("SetVerification").RequiresPolicyOf<SetVerification.Command>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Set whether the incident is confirmed: Verified, Disputed, FalseReport (dismissed) or Unverified (Supervisor)");
        incidents.MapPost("/{id:int}/acknowledgements", RecordCoalitionAnswerAsync).WithName("RecordCoalitionAnswer").RequiresPolicyOf<RecordCoalitionAnswer.Command>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record a coalition member's answer to an incident at tier 2 or above (Analyst)");
        incidents.MapPost("/{id:int}/checklist", CompleteChecklistItemAsync).WithName("CompleteChecklistItem").RequiresPolicyOf<CompleteChecklistItem.Command>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record a checklist item: UkrainianForcesResponse or UsBackstopActivation (Analyst)");
        incidents.MapPost("/{id:int}/larger-scale-review", ReviewLargerScaleAsync).WithName("ReviewLargerScale").RequiresPolicyOf<ReviewLargerScale.Command>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Decide a Major report was not a larger-scale attack; escalate to UsBackstop to decide it was (Supervisor)");
        incidents.MapPost("/{id:int}/merge", MergeAsync).WithName("MergeIncident").RequiresPolicyOf<MergeIncident.Command>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Merge this incident into intoId, the same violation reported twice (Supervisor)");
        incidents.MapGet("/{id:int}/duplicates", LikelyDuplicatesAsync).WithName("LikelyDuplicates").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Incidents that may be the same violation: same oblast, first violations within six hours");

        api.MapGet("/coalition", RosterAsync).WithName("CoalitionRoster").WithTags("Response").ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The Coalition of the Willing roster: name, lead, contribution");
        return api;
    }

    private static async Task<Ok<IncidentDto>> SetVerificationAsync(int id, SetVerification.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    private static async Task<Ok<IncidentDto>> RecordCoalitionAnswerAsync(int id, RecordCoalitionAnswer.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    private static async Task<Ok<IncidentDto>> CompleteChecklistItemAsync(int id, CompleteChecklistItem.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    private static async Task<Ok<IncidentDto>> ReviewLargerScaleAsync(int id, ReviewLargerScale.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    private static async Task<Ok<IncidentDto>> MergeAsync(int id, MergeIncident.Command command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { IncidentId = id }, ct));

    private static async Task<Ok<IReadOnlyList<FindLikelyDuplicates.Candidate>>> LikelyDuplicatesAsync(int id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new FindLikelyDuplicates.Query(id), ct));

    private static async Task<Ok<IReadOnlyList<RosterMemberDto>>> RosterAsync(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListRoster.Query(), ct));
}
