using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Hostilities resumed (or the resolution was wrong): the clock runs again from the same T0.</summary>
public static class ReopenIncident
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
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the incident is reopened.").MaximumLength(IncidentLimits.Reason);
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) => incident.Reopen(command.Reason!.Trim(), x.Now, x.Actor, x.Policy), cancellationToken);
    }
}
