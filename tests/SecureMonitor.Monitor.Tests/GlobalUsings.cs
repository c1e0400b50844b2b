global using SecureMonitor.Pki;
global using SecureMonitor.Protocol;
global using SecureMonitor.Protocol.Wire;
global using SecureMonitor.TestKit;
global using SecureMonitor.TestKit.Monitors;
global using Xunit;
global using Xunit.Abstractions;
