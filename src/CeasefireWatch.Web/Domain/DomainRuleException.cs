namespace CeasefireWatch.Web.Domain;

/// <summary>An action that the incident's current state does not allow (resolving a resolved incident, say).</summary>
public sealed class DomainRuleException(string message) : Exception(message);
