using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// An analyst records a checklist item that people do: the Ukrainian forces' response (tier 1), the US backstop's
/// activation (tier 3). The diplomatic warning has its own action; the coalition items follow from the answers.
/// </summary>
public static class CompleteChecklistItem
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(ChecklistItem? Item, string? Note) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Item).NotNull().WithMessage("Say which item: UkrainianForcesResponse or UsBackstopActivation.").IsInEnum();
            RuleFor(c => c.Note).MaximumLength(IncidentLimits.Reason);
        }
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId,
                (incident, x) => incident.CompleteChecklistItem(command.Item!.Value, command.Note?.Trim() ?? string.Empty, x.Now, x.Actor), cancellationToken);
    }
}
