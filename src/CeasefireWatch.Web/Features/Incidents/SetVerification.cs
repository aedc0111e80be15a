using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// A supervisor says whether the incident itself is confirmed: Verified, Disputed, or a FalseReport (dismissed: the
/// clock stops and it leaves the active views). Verifying an incident held for want of verification releases it.
/// </summary>
public static class SetVerification
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(Verification? Status, string? Note) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Status).NotNull().WithMessage($"Say which: {string.Join(", ", Enum.GetNames<Verification>())}.").IsInEnum();
            RuleFor(c => c.Note).MaximumLength(IncidentLimits.Reason);
        }
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId,
                (incident, x) => incident.SetVerification(command.Status!.Value, command.Note?.Trim() ?? string.Empty, x.Now, x.Actor, x.Policy),
                cancellationToken);
    }
}
