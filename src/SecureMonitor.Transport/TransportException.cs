namespace SecureMonitor.Transport;

/// <summary>A connection could not be made or was refused; the message is fit for an operator.</summary>
public class TransportException(string message, Exception? inner = null) : Exception(message, inner);
