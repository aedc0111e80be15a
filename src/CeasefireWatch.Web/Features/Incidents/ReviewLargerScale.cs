using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// A Major report asks "a larger-scale attack: escalate to the US backstop?". A supervisor answers yes by escalating
/// (to <c>UsBackstop</c>), or no with this: the flag goes, with the reason on the timeline.
/// </summary>
public static class ReviewLargerScale
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(string? Reason) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why this is not a larger-scale attack.").MaximumLength(IncidentLimits.Reason);
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) => incident.ReviewLargerScale(command.Reason!.Trim(), x.Now, x.Actor), cancellationToken);
    }
}
