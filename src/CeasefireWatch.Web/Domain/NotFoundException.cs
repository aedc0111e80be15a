namespace CeasefireWatch.Web.Domain;

/// <summary>The thing a request names does not exist; the API answers 404, a page shows its not-found view.</summary>
public sealed class NotFoundException(string message) : Exception(message)
{
    public static NotFoundException Incident(int id) => new($"There is no incident {Domain.Incident.FormatReference(id)} (id {id}).");

    public static NotFoundException User(string? id) => new($"There is no user with id {id}.");

    public static NotFoundException ApiKey(int id) => new($"There is no API key with id {id}.");
}
